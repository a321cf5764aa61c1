using System.Globalization;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Access;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Application.Access.Sensitivity.ApplyLabelRules;

public sealed record ApplyLabelRulesCommand(Guid PatientId) : IPatientRequest;

/// <param name="ByLabel">Labels added, per label code.</param>
public sealed record ApplyLabelRulesOutcome(int Added, IReadOnlyDictionary<string, int> ByLabel);

/// <summary>
/// Labels a patient's items by their codes (sensitivity_code_rules of the active labels): diagnoses, results, note
/// types, reports, procedures, prescriptions and encounter reasons. Where a label says so (LabelsEncounter), the
/// encounter of a matching item, and that encounter's notes and reports, are labelled too: a note written at the visit
/// that diagnosed HIV speaks of it, and withholding too much is put right by a person where disclosing too much cannot be.
/// <para>
/// Idempotent and safe to run twice at once: one INSERT … SELECT adds only labels the item never had (in force or
/// removed: a person's removal stands over the rule), and the unique index on labels in force makes a concurrent run's
/// duplicate a no-op (ON CONFLICT DO NOTHING). Run on demand; after an import it is the intake's to call.
/// </para>
/// </summary>
[RequiresPermission(Permissions.ChartAccessManage)]
public sealed class ApplyLabelRulesHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    TimeProvider clock) : Handler<ApplyLabelRulesCommand, Result<ApplyLabelRulesOutcome>>(permissions)
{
    // Code systems of columns the record keeps without one: US Core types notes and reports with LOINC, procedures and
    // encounter reasons with SNOMED CT, prescriptions with RxNorm.
    private const string Sql = $$"""
        WITH rules AS (
            SELECT r.label_code, r.code_system, r.code, r.prefix, l.labels_encounter
            FROM access.sensitivity_code_rules r
            JOIN access.sensitivity_labels l ON l.code = r.label_code
            WHERE l.active
        ),
        coded AS (
            SELECT 'Condition' AS resource_type, c.id, c.encounter_id, c.code_system AS system, c.code
            FROM clinical.conditions c
            WHERE c.patient_id = $1 AND coalesce(c.verification_status, '') NOT IN ('entered-in-error', 'refuted')
            UNION ALL
            SELECT 'Observation', o.id, o.encounter_id, o.code_system, o.code
            FROM clinical.observations o WHERE o.patient_id = $1 AND o.status <> 'entered-in-error'
            UNION ALL
            SELECT 'DocumentReference', n.id, n.encounter_id, '{{SensitivitySeed.Loinc}}', n.type_code
            FROM clinical.clinical_notes n WHERE n.patient_id = $1 AND n.type_code IS NOT NULL AND n.status <> 'entered-in-error'
            UNION ALL
            SELECT 'DiagnosticReport', d.id, d.encounter_id, '{{SensitivitySeed.Loinc}}', d.code
            FROM clinical.diagnostic_reports d WHERE d.patient_id = $1 AND d.status <> 'entered-in-error'
            UNION ALL
            SELECT 'Procedure', p.id, p.encounter_id, '{{SensitivitySeed.Snomed}}', p.code
            FROM clinical.procedures p WHERE p.patient_id = $1
            UNION ALL
            SELECT 'MedicationRequest', m.id, m.encounter_id, '{{SensitivitySeed.RxNorm}}', m.medication_code
            FROM clinical.medication_requests m WHERE m.patient_id = $1 AND m.medication_code IS NOT NULL
            UNION ALL
            SELECT 'Encounter', e.id, e.id, '{{SensitivitySeed.Snomed}}', e.reason_code
            FROM clinical.encounters e WHERE e.patient_id = $1 AND e.reason_code IS NOT NULL
        ),
        matched AS (
            SELECT c.resource_type, c.id AS resource_id, c.encounter_id, r.label_code, r.labels_encounter,
                   r.code_system || '|' || c.code AS matched_code
            FROM coded c
            JOIN rules r ON r.code_system = c.system AND (c.code = r.code OR (r.prefix AND starts_with(c.code, r.code)))
        ),
        carried AS (
            SELECT 'Encounter' AS resource_type, m.encounter_id AS resource_id, m.label_code, m.resource_type || '/' || m.resource_id AS via
            FROM matched m WHERE m.labels_encounter AND m.encounter_id IS NOT NULL AND m.resource_type <> 'Encounter'
            UNION ALL
            SELECT 'DocumentReference', n.id, m.label_code, m.resource_type || '/' || m.resource_id
            FROM matched m JOIN clinical.clinical_notes n ON n.encounter_id = m.encounter_id AND n.patient_id = $1
            WHERE m.labels_encounter
            UNION ALL
            SELECT 'DiagnosticReport', d.id, m.label_code, m.resource_type || '/' || m.resource_id
            FROM matched m JOIN clinical.diagnostic_reports d ON d.encounter_id = m.encounter_id AND d.patient_id = $1
            WHERE m.labels_encounter
        ),
        candidates AS (
            SELECT DISTINCT ON (resource_type, resource_id, label_code) resource_type, resource_id, label_code, matched_code
            FROM (
                SELECT resource_type, resource_id, label_code, matched_code, 0 AS rank FROM matched
                UNION ALL
                SELECT resource_type, resource_id, label_code, 'via ' || via, 1 FROM carried
            ) found
            ORDER BY resource_type, resource_id, label_code, rank, matched_code
        )
        INSERT INTO access.item_sensitivity_labels
            (id, patient_id, label_code, resource_type, resource_id, source, matched_code, reason, labelled_at, labelled_by_user_id)
        SELECT
            -- A version 7 UUID (time-ordered, as every key here): the milliseconds of $2 over a random UUID, version bits 0111.
            encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                placing substring(int8send(floor(extract(epoch FROM $2::timestamptz) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid,
            $1, c.label_code, c.resource_type, c.resource_id, '{{LabelSources.Rule}}', left(c.matched_code, 300), 'automatic rule', $2, $3
        FROM candidates c
        WHERE NOT EXISTS (
            SELECT 1 FROM access.item_sensitivity_labels x
            WHERE x.resource_type = c.resource_type AND x.resource_id = c.resource_id AND x.label_code = c.label_code)
        ON CONFLICT (resource_type, resource_id, label_code) WHERE removed_at IS NULL DO NOTHING
        RETURNING label_code
        """;

    protected override async Task<Result<ApplyLabelRulesOutcome>> ExecuteAsync(ApplyLabelRulesCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await db.InTransactionAsync<Result<ApplyLabelRulesOutcome>>(async token =>
        {
            if (!await db.Set<Patient>().AnyAsync(p => p.Id == command.PatientId, token))
            {
                return SensitivityErrors.NotFound;
            }

            var added = new SortedDictionary<string, int>(StringComparer.Ordinal);
            await using (var insert = new NpgsqlCommand(Sql, (NpgsqlConnection)db.Database.GetDbConnection(),
                             (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction()))
            {
                insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = command.PatientId });
                insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                insert.Parameters.Add(new NpgsqlParameter { Value = (object?)actors.Current.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
                await using var reader = await insert.ExecuteReaderAsync(token);
                while (await reader.ReadAsync(token))
                {
                    var code = reader.GetString(0);
                    added[code] = added.GetValueOrDefault(code) + 1;
                }
            }

            var total = added.Values.Sum();
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "SensitivityLabel", null, command.PatientId,
                Purpose: "HOPERAT",
                Details: $"automatic labelling: added={total.ToString(CultureInfo.InvariantCulture)}"
                         + string.Concat(added.Select(a => $"; {a.Key}={a.Value.ToString(CultureInfo.InvariantCulture)}"))), token);
            return Result<ApplyLabelRulesOutcome>.Success(new ApplyLabelRulesOutcome(total, added));
        }, ct);
    }
}
