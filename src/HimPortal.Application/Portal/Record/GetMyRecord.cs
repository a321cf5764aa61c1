using System.Data.Common;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Clinical;
using HimPortal.Application.Clinical.Results;
using HimPortal.Application.Clinical.Values;
using HimPortal.Application.Common;
using HimPortal.Data;
using Npgsql;

namespace HimPortal.Application.Portal.Record;

/// <summary>Which part of "my record" to read: the summary, or one more page of the visits or of the notes and documents.</summary>
public static class RecordParts
{
    public const string Summary = "summary";
    public const string Visits = "visits";
    public const string Documents = "documents";

    public static readonly IReadOnlyList<string> All = [Summary, Visits, Documents];
}

/// <param name="Part"><see cref="RecordParts"/>.</param>
/// <param name="After">The page link of MyRecordView.NextVisits or NextDocuments (a keyset cursor), for the visits or documents.</param>
public sealed record GetMyRecordQuery(Guid PatientId, string Part = RecordParts.Summary, string? After = null) : IPatientRequest;

public sealed class GetMyRecordValidator : AbstractValidator<GetMyRecordQuery>
{
    public GetMyRecordValidator()
    {
        RuleFor(q => q.PatientId).NotEmpty().WithMessage("Choose whose record to see.");
        RuleFor(q => q.Part).Must(p => RecordParts.All.Contains(p)).WithMessage("Choose a part of the record to see.");
        RuleFor(q => q.After).Must(a => a is null || KeysetCursor.TryParse(a, out _))
            .WithMessage("The page link is not valid: go back to your record and open the list again.");
    }
}

/// <summary>An accepted correction or a statement of disagreement, shown beside its item (45 CFR 164.526(c)(1), (d)(4)).</summary>
/// <param name="Corrected">True: the amendment was accepted and appended; false: the person disagreed with a denial.</param>
public sealed record AmendmentMark(bool Corrected, DateTimeOffset At, string Text, string Number);

/// <summary>
/// One item of the record in plain words: <see cref="Title"/> is what it is, <see cref="Code"/> the code it carries
/// (shown only beside the words), <see cref="State"/> its status in words.
/// </summary>
public sealed record RecordEntry(string ResourceType, Guid Id, Guid RecordId, string Title, string? Code, DateTimeOffset? At, string? State, string? Detail)
{
    public AmendmentMark? Amendment { get; init; }

    /// <summary>For a DocumentReference filed from a scan or fax: the scanned document, whose pages the portal shows.</summary>
    public Guid? ScannedDocumentId { get; init; }
}

/// <summary>
/// The person's record as the portal shows it. Lists are newest first; NextVisits and NextDocuments are the links to the next
/// page of <see cref="Visits"/> or <see cref="Documents"/> (whichever the part read), null on the last.
/// </summary>
public sealed record MyRecordView(
    string Part,
    IReadOnlyList<RecordEntry> Problems,
    IReadOnlyList<RecordEntry> Medications,
    IReadOnlyList<RecordEntry> Allergies,
    IReadOnlyList<RecordEntry> Immunizations,
    IReadOnlyList<RecordEntry> Visits,
    string? NextVisits,
    IReadOnlyList<RecordEntry> Documents,
    string? NextDocuments,
    IReadOnlyList<ObservationSeries> Results,
    IReadOnlyDictionary<Guid, AmendmentMark> ResultAmendments,
    int HeldCount);

/// <summary>
/// "My record" (issue 19 item 3): the person's problems, medications, allergies, immunizations, visits, results with
/// their flags explained, and notes and documents, in plain words, from every linked record of the person and from no
/// one else's (the chart gate's person set, read as the patient themselves: 45 CFR 164.524). Nothing waits for a
/// release (45 CFR 171.103); <see cref="PortalVisibility"/> leaves out psychotherapy notes, what a representative may not
/// see, and items under an information-blocking hold. One transaction, one batch of queries and the view's audit row.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class GetMyRecordHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate, IValidator<GetMyRecordQuery> validator)
    : Handler<GetMyRecordQuery, ChartRead<MyRecordView>>(permissions)
{
    /// <summary>Visits and documents per page.</summary>
    public const int PageSize = 20;

    private static readonly string Problems = $$"""
        SELECT c.id, c.patient_id, c.encounter_id, coalesce(c.display, c.code), c.code, coalesce(c.onset_at, c.recorded_at), c.clinical_status, c.abatement_at::text
        FROM clinical.conditions c WHERE c.patient_id = ANY($1) AND {{InForce.NotEnteredInError("c.id")}} ORDER BY c.onset_at DESC NULLS LAST, c.id
        """;

    private static readonly string Medications = $$"""
        SELECT r.id, r.patient_id, r.encounter_id, coalesce(r.medication_display, m.display, r.medication_code, m.code, 'A medicine'),
               coalesce(r.medication_code, m.code), r.authored_on, r.status, r.dosage_text
        FROM clinical.medication_requests r LEFT JOIN clinical.medications m ON m.id = r.medication_id
        WHERE r.patient_id = ANY($1) AND {{InForce.NotEnteredInError("r.id")}} ORDER BY r.authored_on DESC NULLS LAST, r.id
        """;

    private static readonly string Allergies = $$"""
        SELECT a.id, a.patient_id, a.encounter_id, coalesce(a.display, a.code), a.code, a.recorded_at, a.clinical_status, a.criticality
        FROM clinical.allergies a WHERE a.patient_id = ANY($1) AND {{InForce.NotEnteredInError("a.id")}} ORDER BY a.recorded_at DESC NULLS LAST, a.id
        """;

    private static readonly string Immunizations = $$"""
        SELECT i.id, i.patient_id, i.encounter_id, coalesce(i.display, i.vaccine_code), i.vaccine_code, i.occurred_at, i.status, NULL::text
        FROM clinical.immunizations i WHERE i.patient_id = ANY($1) AND {{InForce.NotEnteredInError("i.id")}} ORDER BY i.occurred_at DESC NULLS LAST, i.id
        """;

    // Keyset pages over (time, id), newest first: $2/$3 the last row of the page before (or NULL for the first), $4 the rows to read.
    private static readonly string Visits = $$"""
        SELECT e.id, e.patient_id, e.id, coalesce(e.type_display, e.class), e.class, e.period_start, e.status,
               concat_ws(' · ', e.reason_display, o.name, l.name)
        FROM clinical.encounters e
        LEFT JOIN clinical.organizations o ON o.id = e.service_provider_id
        LEFT JOIN clinical.locations l ON l.id = e.location_id
        WHERE e.patient_id = ANY($1) AND {{InForce.NotEnteredInError("e.id")}}
          AND ($2::timestamptz IS NULL OR (coalesce(e.period_start, '-infinity'), e.id) < ($2, $3))
        ORDER BY coalesce(e.period_start, '-infinity') DESC, e.id DESC LIMIT $4
        """;

    private static readonly string Documents = $$"""
        SELECT n.id, n.patient_id, n.encounter_id, coalesce(n.type_display, 'A note'), n.type_code, n.date, n.status,
               nullif(concat_ws(' ', p.given_names, p.family_name), ''), {{PortalScans.ScanOf("n.id")}}
        FROM clinical.clinical_notes n LEFT JOIN clinical.practitioners p ON p.id = n.author_id
        WHERE n.patient_id = ANY($1) AND {{InForce.NotEnteredInError("n.id")}} AND {{PortalScans.NotUnderReview("n.id")}}
          AND ($2::timestamptz IS NULL OR (coalesce(n.date, '-infinity'), n.id) < ($2, $3))
        ORDER BY coalesce(n.date, '-infinity') DESC, n.id DESC LIMIT $4
        """;

    // Accepted amendments (with the appended text) and statements of disagreement, by the item they are linked to.
    private const string Amendments = """
        SELECT a.resource_type, a.resource_id, a.status = 'accepted', coalesce(a.decided_at, a.received_at), a.disagreement_at,
               coalesce(d.text, a.requested_change), a.disagreement_text, a.number
        FROM portal.amendments a LEFT JOIN clinical.clinical_notes d ON d.id = a.amendment_document_id
        WHERE a.patient_id = ANY($1) AND (a.status = 'accepted' OR (a.status = 'denied' AND a.disagreement_text IS NOT NULL))
        ORDER BY a.received_at, a.id
        """;

    protected override async Task<ChartRead<MyRecordView>> ExecuteAsync(GetMyRecordQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!(await validator.ValidateAsync(query, ct)).IsValid)
        {
            return ChartRead<MyRecordView>.NotFound();
        }

        var cursor = KeysetCursor.TryParse(query.After, out var after) ? after : (KeysetCursor?)null;
        return await gate.ReadBatchedAsync(query.PatientId, AccessIntent.PatientSelf, "Record", _ => Shown(query.Part),
            (entry, audit, token) => ReadAsync(entry, query.Part, cursor, audit, token), ct);
    }

    private static IEnumerable<ChartSection> Shown(string part) => part switch
    {
        RecordParts.Visits => [ChartSection.Encounters],
        RecordParts.Documents => [ChartSection.Documents],
        _ =>
        [
            ChartSection.Demographics, ChartSection.Problems, ChartSection.Medications, ChartSection.Allergies, ChartSection.Immunizations,
            ChartSection.Encounters, ChartSection.Documents, ChartSection.LabResults, ChartSection.VitalSigns, ChartSection.OtherObservations,
        ],
    };

    private async Task<MyRecordView> ReadAsync(ChartEntry entry, string part, KeysetCursor? after, ViewAudit audit, CancellationToken ct)
    {
        var records = entry.Patient.RecordIds;
        var summary = part == RecordParts.Summary;
        var reads = new List<(NpgsqlBatchCommand Command, Func<DbDataReader, CancellationToken, Task> Read)>();
        PortalVisibility visibility = null!;
        var amendments = new Dictionary<(string, Guid), AmendmentMark>();
        var problems = new List<RecordEntry>();
        var medications = new List<RecordEntry>();
        var allergies = new List<RecordEntry>();
        var immunizations = new List<RecordEntry>();
        var visits = new List<RecordEntry>();
        var documents = new List<RecordEntry>();
        var observationRows = new List<ObservationReader.Row>();
        var componentRows = new List<ObservationReader.ComponentRow>();
        // The encounter each item was read with, for the visibility check (a label on a visit hides what was done in it).
        var encounters = new Dictionary<(string, Guid), Guid?>();

        reads.Add((PortalVisibility.Command(records, entry.Proxy), async (r, t) => visibility = await PortalVisibility.ReadAsync(r, t)));
        reads.Add((Command(Amendments, records), async (r, t) =>
        {
            while (await r.ReadAsync(t))
            {
                var corrected = r.GetBoolean(2);
                var mark = corrected
                    ? new AmendmentMark(true, r.GetFieldValue<DateTimeOffset>(3), r.GetString(5), "AMD-" + r.GetInt64(7).ToString("D6", System.Globalization.CultureInfo.InvariantCulture))
                    : new AmendmentMark(false, r.GetFieldValue<DateTimeOffset>(4), r.GetString(6), "AMD-" + r.GetInt64(7).ToString("D6", System.Globalization.CultureInfo.InvariantCulture));
                amendments[(r.GetString(0), r.GetGuid(1))] = mark;
            }
        }));
        if (summary)
        {
            reads.Add((Command(Problems, records), (r, t) => EntriesAsync(r, "Condition", problems, encounters, PlainWords.ProblemState, t)));
            reads.Add((Command(Medications, records), (r, t) => EntriesAsync(r, "MedicationRequest", medications, encounters, PlainWords.MedicationState, t)));
            reads.Add((Command(Allergies, records), (r, t) => EntriesAsync(r, "AllergyIntolerance", allergies, encounters, PlainWords.AllergyState, t)));
            reads.Add((Command(Immunizations, records), (r, t) => EntriesAsync(r, "Immunization", immunizations, encounters, PlainWords.ImmunizationState, t)));
            reads.Add((Command(ObservationReader.BatchSql, records), (r, t) => ObservationReader.ReadBatchAsync(r, observationRows, componentRows, t)));
        }

        if (summary || part == RecordParts.Visits)
        {
            reads.Add((Page(Visits, records, part == RecordParts.Visits ? after : null), (r, t) => EntriesAsync(r, "Encounter", visits, encounters, PlainWords.VisitState, t)));
        }

        if (summary || part == RecordParts.Documents)
        {
            reads.Add((Page(Documents, records, part == RecordParts.Documents ? after : null), (r, t) => EntriesAsync(r, "DocumentReference", documents, encounters, PlainWords.DocumentState, t)));
        }

        await using (var batch = db.NewBatch())
        {
            foreach (var (command, _) in reads)
            {
                batch.BatchCommands.Add(command);
            }

            batch.BatchCommands.Add(audit.Command);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            foreach (var (_, read) in reads)
            {
                await read(reader, ct);
                await reader.NextResultAsync(ct);
            }

            await audit.ReadAsync(reader, ct);
        }

        // The page link follows the last row read, shown or not, so a hidden item never stalls the pages.
        var nextVisits = visits.Count > PageSize ? Next(visits[PageSize - 1]) : null;
        var nextDocuments = documents.Count > PageSize ? Next(documents[PageSize - 1]) : null;
        List<RecordEntry> Visible(IEnumerable<RecordEntry> entries, int take = int.MaxValue) =>
        [
            .. entries.Take(take).Where(e => visibility.Shows(e.ResourceType, e.Id, EncounterOf(e)))
                .Select(e => amendments.TryGetValue((e.ResourceType, e.Id), out var mark) ? e with { Amendment = mark } : e),
        ];

        observationRows.RemoveAll(o => !visibility.Shows("Observation", o.Id, o.EncounterId));
        observationRows.Sort(ObservationReader.NewestFirst);
        var results = summary
            ? ObservationReader.Group(observationRows, componentRows, new ResultSubject(entry.Patient.Sex, entry.Patient.BirthDate))
            : ObservationGroups.Empty;
        var resultAmendments = observationRows.Where(o => amendments.ContainsKey(("Observation", o.Id)))
            .ToDictionary(o => o.Id, o => amendments[("Observation", o.Id)]);
        return new MyRecordView(part, Visible(problems), Visible(medications), Visible(allergies), Visible(immunizations),
            Visible(visits, PageSize), nextVisits, Visible(documents, PageSize), nextDocuments,
            [.. results.LabResults, .. results.VitalSigns], resultAmendments, visibility.HeldCount);

        Guid? EncounterOf(RecordEntry e) => encounters.GetValueOrDefault((e.ResourceType, e.Id));
    }

    private static async Task EntriesAsync(DbDataReader r, string type, List<RecordEntry> into, Dictionary<(string, Guid), Guid?> encounters,
        Func<string?, string?, string?> state, CancellationToken ct)
    {
        while (await r.ReadAsync(ct))
        {
            var id = r.GetGuid(0);
            encounters[(type, id)] = type == "Encounter" ? null : r.NullableGuid(2);
            into.Add(new RecordEntry(type, id, r.GetGuid(1), r.GetString(3), r.NullableString(4), r.NullableTime(5), state(r.NullableString(6), r.NullableString(7)),
                type is "Encounter" or "DocumentReference" or "MedicationRequest" ? r.NullableString(7) : null)
            {
                // The notes' query alone reads a ninth column: the scanned document a DocumentReference was filed from.
                ScannedDocumentId = r.FieldCount > 8 ? r.NullableGuid(8) : null,
            });
        }
    }

    private static string Next(RecordEntry last) => new KeysetCursor(last.At ?? DateTimeOffset.MinValue, last.Id).ToString();

    private static NpgsqlBatchCommand Command(string sql, Guid[] records)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = records });
        return command;
    }

    private static NpgsqlBatchCommand Page(string sql, Guid[] records, KeysetCursor? after)
    {
        var command = Command(sql, records);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = after?.At, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = after?.Id, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        // One row more than a page: whether there is a next page.
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PageSize + 1 });
        return command;
    }
}
