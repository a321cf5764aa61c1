using System.Data.Common;
using HimPortal.Application.Access;
using HimPortal.Application.Clinical;
using HimPortal.Application.Clinical.Values;
using HimPortal.Application.Patients;
using HimPortal.Application.Clinical.Results;
using HimPortal.Application.Common;
using HimPortal.Data;
using Npgsql;

namespace HimPortal.Application.Charts.GetChart;

/// <summary>
/// Reads every section of a chart the reader may see in one round trip: one Npgsql batch of one query per section,
/// and the view's audit row, in the transaction of the read. A chart opens often and a large one has a thousand rows; one round trip instead of
/// a dozen is most of what keeps it fast (docs/adr/0007). The SQL is plain and per section; rows map by hand. Every
/// section leaves out the rows a correction entered-in-error (<see cref="InForce"/>, ADR 0015): they are another
/// patient's, kept only as the record's history. Every section reads all the records of the patient's person
/// (<c>patient_id = ANY($1)</c>: the record alone when it is linked to none), and each row says which record it is in.
/// </summary>
internal sealed class ChartBatch
{
    private static readonly string Allergies = $$"""
        SELECT coalesce(a.display, a.code), a.category, a.criticality, a.clinical_status, a.recorded_at, a.patient_id
        FROM clinical.allergies a WHERE a.patient_id = ANY($1) AND {{InForce.NotEnteredInError("a.id")}} ORDER BY a.recorded_at DESC NULLS LAST, a.id
        """;

    private static readonly string Problems = $$"""
        SELECT c.id, c.encounter_id, c.code, c.display, c.clinical_status, c.onset_at, c.abatement_at, c.patient_id
        FROM clinical.conditions c WHERE c.patient_id = ANY($1) AND {{InForce.NotEnteredInError("c.id")}} ORDER BY c.onset_at DESC NULLS LAST, c.id
        """;

    private static readonly string Medications = $$"""
        SELECT r.id, r.encounter_id, coalesce(r.medication_display, m.display, r.medication_code, m.code), r.status, r.authored_on,
               r.dosage_text, r.patient_id
        FROM clinical.medication_requests r LEFT JOIN clinical.medications m ON m.id = r.medication_id
        WHERE r.patient_id = ANY($1) AND {{InForce.NotEnteredInError("r.id")}} ORDER BY r.authored_on DESC NULLS LAST, r.id
        """;

    private static readonly string Immunizations = $$"""
        SELECT coalesce(i.display, i.vaccine_code), i.status, i.occurred_at, i.patient_id
        FROM clinical.immunizations i WHERE i.patient_id = ANY($1) AND {{InForce.NotEnteredInError("i.id")}} ORDER BY i.occurred_at DESC NULLS LAST, i.id
        """;

    private static readonly string Procedures = $$"""
        SELECT p.id, p.encounter_id, p.code, p.display, p.status, p.performed_start, p.patient_id
        FROM clinical.procedures p WHERE p.patient_id = ANY($1) AND {{InForce.NotEnteredInError("p.id")}} ORDER BY p.performed_start DESC NULLS LAST, p.id
        """;

    private static readonly string Imaging = $$"""
        SELECT s.id, s.encounter_id, s.started_at, s.modality, s.body_site_display, s.procedure_display, s.series_count, s.instance_count,
               s.study_uid, s.patient_id
        FROM clinical.imaging_studies s WHERE s.patient_id = ANY($1) AND {{InForce.NotEnteredInError("s.id")}} ORDER BY s.started_at DESC NULLS LAST, s.id
        """;

    private static readonly string Documents = $$"""
        SELECT n.id, n.encounter_id, n.date, n.type_display, n.status, coalesce(nullif(concat_ws(' ', p.given_names, p.family_name), ''), sd.author),
               sd.id, sd.page_count, n.patient_id,
               -- An accepted amendment, or a statement of disagreement, is shown wherever the item is (45 CFR 164.526(c)(1), (d)(4)).
               EXISTS (SELECT 1 FROM portal.amendments a WHERE a.resource_type = 'DocumentReference' AND a.resource_id = n.id AND a.status = 'accepted'),
               EXISTS (SELECT 1 FROM portal.amendments a WHERE a.resource_type = 'DocumentReference' AND a.resource_id = n.id AND a.disagreement_at IS NOT NULL)
        FROM clinical.clinical_notes n LEFT JOIN clinical.practitioners p ON p.id = n.author_id
        LEFT JOIN documents.documents sd ON sd.clinical_note_id = n.id AND sd.patient_id = n.patient_id AND sd.status = 'filed'
        WHERE n.patient_id = ANY($1) AND {{InForce.NotEnteredInError("n.id")}} ORDER BY n.date DESC NULLS LAST, n.id
        """;

    // Items other than notes (notes are marked in Documents above) with an accepted amendment, or disputed: a statement of
    // disagreement, or the patient's request that the request and the denial go with disclosures (45 CFR 164.526(c)(1), (d)(4)-(5)).
    private static readonly string Amendments = """
        SELECT a.resource_id, a.number, a.status, a.amendment_document_id, a.decided_at, a.disagreement_at IS NOT NULL
        FROM portal.amendments a
        WHERE a.patient_id = ANY($1) AND a.resource_type <> 'DocumentReference'
          AND (a.status = 'accepted' OR (a.status = 'denied' AND (a.disagreement_at IS NOT NULL OR a.include_with_disclosures_at IS NOT NULL)))
        ORDER BY a.number
        """;

    // $2: whether the reader sees clinical content (the reason for the visit is clinical).
    private static readonly string Encounters = $$"""
        SELECT e.id, e.period_start, e.period_end, e.class, e.type_display, CASE WHEN $2 THEN e.reason_display END, e.status,
               o.name, l.name, e.patient_id
        FROM clinical.encounters e
        LEFT JOIN clinical.organizations o ON o.id = e.service_provider_id
        LEFT JOIN clinical.locations l ON l.id = e.location_id
        WHERE e.patient_id = ANY($1) AND {{InForce.NotEnteredInError("e.id")}} ORDER BY e.period_start DESC NULLS LAST, e.id
        """;

    public sealed record Sections(
        List<AllergyItem> Allergies,
        List<ProblemItem> Problems,
        List<MedicationItem> Medications,
        List<ImmunizationItem> Immunizations,
        List<ProcedureItem> Procedures,
        ObservationGroups Observations,
        List<ImagingItem> Imaging,
        List<DocumentItem> Documents,
        List<EncounterItem> Encounters,
        List<AmendmentMark> Amendments);

    /// <summary>The sections the reader may see and, last in the same batch, the audit row of the view.</summary>
    /// <param name="patient">Whose chart: its person's records, and the sex and birth date the results are flagged by (the record asked for's).</param>
    public static async Task<Sections> ReadAsync(HimDbContext db, PatientHeader patient, ChartAccessDecision access, ViewAudit audit, CancellationToken ct)
    {
        // The person's records (ADR 0015): this record alone when it is linked to none, so an unlinked chart reads as before.
        var records = patient.RecordIds;
        var observations = access.Shows(ChartSection.LabResults) || access.Shows(ChartSection.VitalSigns)
                           || access.Shows(ChartSection.OtherObservations);
        var reads = new List<(string Sql, Func<DbDataReader, CancellationToken, Task> Read)>();
        var allergies = new List<AllergyItem>();
        var problems = new List<ProblemItem>();
        var medications = new List<MedicationItem>();
        var immunizations = new List<ImmunizationItem>();
        var procedures = new List<ProcedureItem>();
        var observationRows = new List<ObservationReader.Row>();
        var componentRows = new List<ObservationReader.ComponentRow>();
        var imaging = new List<ImagingItem>();
        var documents = new List<DocumentItem>();
        var encounters = new List<EncounterItem>();
        var amendments = new List<AmendmentMark>();

        if (access.Shows(ChartSection.Allergies))
        {
            reads.Add((Allergies, (r, t) => RowsAsync(r, allergies, () =>
                new AllergyItem(r.GetString(0), r.NullableString(1), r.NullableString(2), r.NullableString(3), r.NullableTime(4)) { RecordId = r.GetGuid(5) }, t)));
        }

        if (access.Shows(ChartSection.Problems))
        {
            reads.Add((Problems, (r, t) => RowsAsync(r, problems, () =>
                new ProblemItem(r.GetGuid(0), r.NullableGuid(1), r.GetString(2), r.NullableString(3), r.NullableString(4), r.NullableTime(5), r.NullableTime(6)) { RecordId = r.GetGuid(7) }, t)));
        }

        if (access.Shows(ChartSection.Medications))
        {
            reads.Add((Medications, (r, t) => RowsAsync(r, medications, () =>
                new MedicationItem(r.GetGuid(0), r.NullableGuid(1), r.NullableString(2), r.GetString(3), r.NullableTime(4), r.NullableString(5)) { RecordId = r.GetGuid(6) }, t)));
        }

        if (access.Shows(ChartSection.Immunizations))
        {
            reads.Add((Immunizations, (r, t) => RowsAsync(r, immunizations, () =>
                new ImmunizationItem(r.NullableString(0), r.GetString(1), r.NullableTime(2)) { RecordId = r.GetGuid(3) }, t)));
        }

        if (access.Shows(ChartSection.Procedures))
        {
            reads.Add((Procedures, (r, t) => RowsAsync(r, procedures, () =>
                new ProcedureItem(r.GetGuid(0), r.NullableGuid(1), r.GetString(2), r.NullableString(3), r.GetString(4), r.NullableTime(5)) { RecordId = r.GetGuid(6) }, t)));
        }

        if (observations)
        {
            reads.Add((ObservationReader.BatchSql, async (r, t) =>
            {
                await ObservationReader.ReadBatchAsync(r, observationRows, componentRows, t);
                observationRows.Sort(ObservationReader.NewestFirst);
            }));
        }

        if (access.Shows(ChartSection.Imaging))
        {
            reads.Add((Imaging, (r, t) => RowsAsync(r, imaging, () =>
                new ImagingItem(r.GetGuid(0), r.NullableGuid(1), r.NullableTime(2), r.NullableString(3), r.NullableString(4), r.NullableString(5), r.GetInt32(6), r.GetInt32(7), r.NullableString(8)) { RecordId = r.GetGuid(9) }, t)));
        }

        if (access.Shows(ChartSection.Documents))
        {
            reads.Add((Documents, (r, t) => RowsAsync(r, documents, () =>
                new DocumentItem(r.GetGuid(0), r.NullableGuid(1), r.NullableTime(2), r.NullableString(3), r.GetString(4), r.NullableString(5), r.NullableGuid(6), r.IsDBNull(7) ? 0 : r.GetInt32(7)) { RecordId = r.GetGuid(8), Amended = r.GetBoolean(9), Disputed = r.GetBoolean(10) }, t)));
        }

        if (access.Shows(ChartSection.Encounters))
        {
            reads.Add((Encounters, (r, t) => RowsAsync(r, encounters, () =>
                new EncounterItem(r.GetGuid(0), r.NullableTime(1), r.NullableTime(2), r.GetString(3), r.NullableString(4), r.NullableString(5), r.GetString(6), r.NullableString(7), r.NullableString(8)) { RecordId = r.GetGuid(9) }, t)));
        }

        if (observations || access.Shows(ChartSection.Problems) || access.Shows(ChartSection.Medications) || access.Shows(ChartSection.Procedures)
            || access.Shows(ChartSection.Encounters))
        {
            reads.Add((Amendments, (r, t) => RowsAsync(r, amendments, () =>
                new AmendmentMark(r.GetGuid(0), r.GetInt64(1), r.GetString(2), r.NullableGuid(3), r.NullableTime(4), r.GetBoolean(5)), t)));
        }

        await using var batch = db.NewBatch();
        foreach (var (sql, _) in reads)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = records });
            if (ReferenceEquals(sql, Encounters))
            {
                command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = access.Shows(ChartSection.Problems) });
            }

            batch.BatchCommands.Add(command);
        }

        batch.BatchCommands.Add(audit.Command);
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            foreach (var (_, read) in reads)
            {
                await read(reader, ct);
                await reader.NextResultAsync(ct);
            }

            await audit.ReadAsync(reader, ct);
        }

        return new Sections(allergies, problems, medications, immunizations, procedures,
            observations ? ObservationReader.Group(observationRows, componentRows, new ResultSubject(patient.Sex, patient.BirthDate)) : ObservationGroups.Empty,
            imaging, documents, encounters, amendments);
    }

    /// <summary>A batch on the context's connection, in its current transaction.</summary>
    private static async Task RowsAsync<T>(DbDataReader reader, List<T> into, Func<T> row, CancellationToken ct)
    {
        while (await reader.ReadAsync(ct))
        {
            into.Add(row());
        }
    }
}
