using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Completion.Him;

/// <summary>
/// Stays and deficiencies written straight into completion.* for the HIM side's tests (cc-him), on encounters of the imported
/// sample patients, so they do not wait for the analysis: what it would have left behind, and nothing more.
/// </summary>
public static class HimWorld
{
    public sealed record WorldStay(Guid EncounterId, Guid PatientId);

    /// <summary>A stay on one of the patient's encounters that is not yet one, discharged <paramref name="daysAgo"/> days before <paramref name="now"/>.</summary>
    public static async Task<WorldStay> StayAsync(TestDatabase database, DateTimeOffset now, string patient = ClinicalData.Smallest, string encounterClass = "IMP", int daysAgo = 10)
    {
        ArgumentNullException.ThrowIfNull(database);
        var patientId = await ClinicalData.PatientIdAsync(database, patient);
        var discharged = now.AddDays(-daysAgo);
        var encounter = await database.ScalarAsync<Guid>($"""
            INSERT INTO completion.stays (encounter_id, patient_id, encounter_class, facility_id, admitted_at, discharged_at, status, open_deficiencies, delinquent_at, analysed_at)
            SELECT e.id, e.patient_id, '{encounterClass}', e.service_provider_id, '{discharged.AddDays(-3):O}', '{discharged:O}', 'ready', 0, '{discharged.AddDays(30):O}', '{now:O}'
            FROM clinical.encounters e
            WHERE e.patient_id = '{patientId}' AND NOT EXISTS (SELECT FROM completion.stays s WHERE s.encounter_id = e.id)
            ORDER BY e.id LIMIT 1
            RETURNING encounter_id
            """);
        return new WorldStay(encounter, patientId);
    }

    /// <summary>An open deficiency of the rule (by code) owed by <paramref name="responsible"/> (null = the HIM queue), refused when a reason is given; the stay recounted.</summary>
    public static async Task<Guid> DeficiencyAsync(
        TestDatabase database, WorldStay stay, Guid? responsible, string rule = "discharge-summary", string? refusal = null, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(stay);
        var id = Guid.NewGuid();
        var who = responsible is { } r ? $"'{r}'" : "NULL";
        var refused = refusal is null ? "NULL" : $"'{refusal.Replace("'", "''", StringComparison.Ordinal)}'";
        await database.ExecuteAsync($"""
            INSERT INTO completion.deficiencies (id, encounter_id, patient_id, rule_id, key, kind, description, responsible_practitioner_id, assigned_by_him, status,
                discharged_at, due_at, created_at, refusal_reason)
            SELECT '{id}', s.encounter_id, s.patient_id, r.id, r.code || ':{id:N}', 'missing-document', '{description ?? "Discharge summary"}', {who}, false, 'open',
                s.discharged_at, s.discharged_at + interval '7 days', s.analysed_at, {refused}
            FROM completion.stays s, completion.rules r WHERE s.encounter_id = '{stay.EncounterId}' AND r.code = '{rule}';
            INSERT INTO completion.deficiency_events (deficiency_id, at, kind, practitioner_id) VALUES ('{id}', now(), 'created', {who});
            UPDATE completion.stays SET status = 'incomplete', open_deficiencies = open_deficiencies + 1 WHERE encounter_id = '{stay.EncounterId}';
            """);
        return id;
    }

    public static Task<Guid> PractitionerAsync(TestDatabase database, string npi) =>
        database!.ScalarAsync<Guid>($"SELECT id FROM clinical.practitioners WHERE npi = '{npi}' LIMIT 1");

    /// <summary>A practitioner of the imported master data other than <paramref name="except"/>.</summary>
    public static Task<string> AnyNpiAsync(TestDatabase database, string? except = null) =>
        database!.ScalarAsync<string>($"SELECT npi FROM clinical.practitioners WHERE npi IS NOT NULL AND npi <> '{except ?? ""}' ORDER BY npi LIMIT 1");

    /// <summary>A row's version (xmin) as the pages carry it.</summary>
    public static async Task<uint> VersionAsync(TestDatabase database, string table, string key, Guid id) =>
        (uint)await database!.ScalarAsync<long>($"SELECT xmin::text::bigint FROM completion.{table} WHERE {key} = '{id}'");
}
