using System.Globalization;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Application.Completion.Analysis;

/// <summary>Take up to <paramref name="BatchSize"/> stays off completion.analysis_queue and analyse them.</summary>
public sealed record AnalyseStaysCommand(int BatchSize = 1000);

/// <summary>How many stays one batch analysed, and whether any are left on the queue.</summary>
public sealed record StaysAnalysed(int Stays, bool MoreQueued, int Created = 0, int Changed = 0);

/// <summary>
/// The analysis of queued stays (ADR 0035, docs/adr/0036-completion-analysis-rule-evaluation.md): a batch of stays is taken off the
/// queue, their facts read in one round trip of set-based queries (ANY of the batch's keys), each stay judged by the pure
/// <see cref="RuleEvaluation"/> and <see cref="StayReconciliation"/>, and the result written in four statements (stays
/// upserted, deficiencies inserted and updated, their history appended), all in one transaction with one audit row.
/// Stays not yet discharged (finished with an end), discharged before the go-live, or entered in error are skipped.
/// </summary>
[RequiresPermission(Permissions.CompletionRun)]
public sealed class AnalyseStaysHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    HospitalTime hospital,
    TimeProvider clock) : Handler<AnalyseStaysCommand, Result<StaysAnalysed>>(permissions)
{
    private const string TakeSql = """
        DELETE FROM completion.analysis_queue q
        WHERE q.encounter_id IN (SELECT encounter_id FROM completion.analysis_queue ORDER BY queued_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING q.encounter_id
        """;

    private const string SettingsSql = "SELECT go_live, leave_pauses_deadlines FROM completion.settings WHERE id = 1";

    private static readonly string EncountersSql = $"""
        SELECT e.id, e.patient_id, e.class, e.service_provider_id, e.period_start, e.period_end
        FROM clinical.encounters e
        WHERE e.id = ANY($1) AND e.status = 'finished' AND e.period_end IS NOT NULL AND e.period_end >= $2
          AND {InForce.NotEnteredInError("e.id")}
        """;

    private const string ParticipantsSql = """
        SELECT p.parent_id, p.practitioner_id, p.type_code FROM clinical.encounter_participants p WHERE p.parent_id = ANY($1)
        """;

    private static readonly string ProceduresSql = $"""
        SELECT p.encounter_id, p.id, p.performed_start, p.performed_end, p.performer_id,
               coalesce(k.surgery, false), coalesce(k.anesthesia, false), coalesce(k.consent, false)
        FROM clinical.procedures p
        LEFT JOIN completion.procedure_kinds k ON k.system = '{ProcedureKindSeed.Snomed}' AND k.code = p.code
        WHERE p.encounter_id = ANY($1) AND p.status NOT IN ('entered-in-error', 'not-done') AND {InForce.NotEnteredInError("p.id")}
        """;

    // Signed: an authenticator with a final or amended docStatus, or a signature given here (42 CFR 482.24(c)(1)).
    private static readonly string NotesSql = $"""
        SELECT n.encounter_id, n.id, n.type_code, n.date, n.author_id,
               (n.authenticator_id IS NOT NULL AND n.doc_status IN ('final', 'amended'))
               OR EXISTS (SELECT FROM completion.signatures s WHERE s.resource_type = 'DocumentReference' AND s.resource_id = n.id)
        FROM clinical.clinical_notes n
        WHERE n.encounter_id = ANY($1) AND n.status <> 'entered-in-error' AND coalesce(n.doc_status, '') <> 'entered-in-error'
          AND {InForce.NotEnteredInError("n.id")}
        """;

    // Only verbal and telephone orders: a mode code the mapping knows (42 CFR 482.24(c)(2)).
    private static readonly string OrdersSql = $"""
        SELECT m.encounter_id, m.id, m.authored_on, m.requester_id,
               EXISTS (SELECT FROM completion.signatures s WHERE s.resource_type = 'MedicationRequest' AND s.resource_id = m.id)
        FROM clinical.medication_requests m
        WHERE m.encounter_id = ANY($1) AND m.status <> 'entered-in-error' AND cardinality(m.mode_codes) > 0
          AND EXISTS (SELECT FROM completion.order_modes o WHERE o.system || '|' || o.code = ANY(m.mode_codes))
          AND {InForce.NotEnteredInError("m.id")}
        """;

    private const string DeficienciesSql = """
        SELECT d.encounter_id, d.id, d.key, d.rule_id, d.status, d.kind, d.description, d.responsible_practitioner_id, d.due_at,
               d.created_at, d.resolution, d.document_id, d.xmin::text::bigint
        FROM completion.deficiencies d WHERE d.encounter_id = ANY($1)
        """;

    private const string LeavesSql = """
        SELECT l.practitioner_id, l."from", l.until FROM completion.leaves l
        WHERE l.cancelled_at IS NULL AND l.practitioner_id IN (SELECT p.practitioner_id FROM clinical.encounter_participants p WHERE p.parent_id = ANY($1)
            UNION SELECT d.responsible_practitioner_id FROM completion.deficiencies d WHERE d.encounter_id = ANY($1) AND d.responsible_practitioner_id IS NOT NULL
            UNION SELECT n.author_id FROM clinical.clinical_notes n WHERE n.encounter_id = ANY($1)
            UNION SELECT r.performer_id FROM clinical.procedures r WHERE r.encounter_id = ANY($1)
            UNION SELECT m.requester_id FROM clinical.medication_requests m WHERE m.encounter_id = ANY($1))
        """;

    // A stay HIM marked complete stays complete while nothing is open; anything open again makes it incomplete.
    private const string UpsertStaysSql = """
        WITH upserted AS (
        INSERT INTO completion.stays AS s (encounter_id, patient_id, encounter_class, facility_id, admitted_at, discharged_at, status,
                                           open_deficiencies, delinquent_at, analysed_at)
        SELECT u.id, u.patient_id, u.class, u.facility_id, u.admitted_at, u.discharged_at,
               CASE WHEN u.open > 0 THEN 'incomplete' ELSE 'ready' END, u.open, u.delinquent_at, $9
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::timestamptz[], $6::timestamptz[], $7::int[], $8::timestamptz[])
             AS u (id, patient_id, class, facility_id, admitted_at, discharged_at, open, delinquent_at)
        ON CONFLICT (encounter_id) DO UPDATE SET
            patient_id = excluded.patient_id, encounter_class = excluded.encounter_class, facility_id = excluded.facility_id,
            admitted_at = excluded.admitted_at, discharged_at = excluded.discharged_at, open_deficiencies = excluded.open_deficiencies,
            delinquent_at = excluded.delinquent_at, analysed_at = excluded.analysed_at,
            status = CASE WHEN excluded.open_deficiencies > 0 THEN 'incomplete' WHEN s.status = 'complete' THEN 'complete' ELSE 'ready' END,
            completed_at = CASE WHEN excluded.open_deficiencies > 0 THEN NULL ELSE s.completed_at END,
            completed_by = CASE WHEN excluded.open_deficiencies > 0 THEN NULL ELSE s.completed_by END
        RETURNING 1)
        SELECT count(*) FROM upserted
        """;

    private const string InsertSql = """
        WITH inserted AS (
        INSERT INTO completion.deficiencies (id, encounter_id, patient_id, rule_id, key, kind, description, document_type, document_id,
            order_id, procedure_id, responsible_practitioner_id, assigned_by_him, status, discharged_at, due_at, created_at, resolved_at, resolution)
        SELECT u.id, u.encounter_id, u.patient_id, u.rule_id, u.key, u.kind, u.description, u.document_type, u.document_id,
               u.order_id, u.procedure_id, u.responsible, false, u.status, u.discharged_at, u.due_at, $16,
               CASE WHEN u.status = 'resolved' THEN $16 END, CASE WHEN u.status = 'resolved' THEN 'satisfied' END
        FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::uuid[],
                    $10::uuid[], $11::uuid[], $12::uuid[], $13::text[], $14::timestamptz[], $15::timestamptz[])
             AS u (id, encounter_id, patient_id, rule_id, key, kind, description, document_type, document_id, order_id, procedure_id,
                   responsible, status, discharged_at, due_at)
        ON CONFLICT (encounter_id, key) DO NOTHING
        RETURNING id, status, responsible_practitioner_id, kind)
        , history AS (
            INSERT INTO completion.deficiency_events (deficiency_id, at, kind, practitioner_id, note)
            SELECT id, $16, 'created', responsible_practitioner_id, kind FROM inserted
            UNION ALL SELECT id, $16, 'resolved', NULL, 'satisfied' FROM inserted WHERE status = 'resolved')
        SELECT count(*) FROM inserted
        """;

    // Only rows unchanged since they were read (xmin): a sign or reassignment in between wins, and the stay is queued again.
    private const string UpdateSql = """
        WITH updated AS (
        UPDATE completion.deficiencies d SET
            status = u.status, kind = u.kind, description = u.description, due_at = u.due_at, document_id = u.document_id,
            resolution = u.resolution,
            resolved_at = CASE WHEN u.status = 'open' THEN NULL WHEN d.status = 'open' THEN $9 ELSE d.resolved_at END,
            resolved_by = CASE WHEN u.status = 'open' OR d.status = 'open' THEN NULL ELSE d.resolved_by END
        FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::uuid[], $8::text[], $10::text[])
             AS u (id, version, status, kind, description, due_at, document_id, resolution, event)
        WHERE d.id = u.id AND d.xmin::text::bigint = u.version
        RETURNING d.id, u.event, u.resolution),
        history AS (
            INSERT INTO completion.deficiency_events (deficiency_id, at, kind, note)
            SELECT id, $9, event, resolution FROM updated WHERE event <> 'updated')
        SELECT id FROM updated
        """;

    private const string RequeueSql = """
        INSERT INTO completion.analysis_queue (encounter_id, queued_at) SELECT unnest($1::uuid[]), $2 ON CONFLICT (encounter_id) DO NOTHING
        """;

    protected override async Task<Result<StaysAnalysed>> ExecuteAsync(AnalyseStaysCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await db.InTransactionAsync(async token =>
        {
            var now = clock.GetUtcNow();
            var rules = await db.CompletionRules.AsNoTracking().Where(r => r.Enabled).OrderBy(r => r.Code).ToListAsync(token);
            var batch = new List<Guid>();
            DateOnly goLive;
            bool leavePauses;
            await using (var take = db.NewBatch())
            {
                var takeCommand = new NpgsqlBatchCommand(TakeSql);
                takeCommand.Parameters.Add(new NpgsqlParameter<int> { TypedValue = command.BatchSize });
                take.BatchCommands.Add(takeCommand);
                take.BatchCommands.Add(new NpgsqlBatchCommand(SettingsSql));
                await using var reader = await take.ExecuteReaderAsync(token);
                while (await reader.ReadAsync(token))
                {
                    batch.Add(reader.GetGuid(0));
                }

                await reader.NextResultAsync(token);
                await reader.ReadAsync(token);
                (goLive, leavePauses) = (reader.GetFieldValue<DateOnly>(0), reader.GetBoolean(1));
            }

            var ids = batch.ToArray();
            if (ids.Length == 0)
            {
                // Nothing was waiting (another worker took it): nothing read, nothing to audit.
                return Result<StaysAnalysed>.Success(new StaysAnalysed(0, false));
            }

            var facts = await ReadFactsAsync(ids, hospital.StartOf(goLive), token);
            var verdicts = facts.Stays.Select(stay => StayReconciliation.Reconcile(stay, RuleEvaluation.Evaluate(stay, rules),
                facts.Deficiencies.GetValueOrDefault(stay.EncounterId) ?? [], facts.Leaves, leavePauses, hospital.DayOf, now)).ToList();
            var (created, changed, requeued) = await WriteAsync(facts.Stays, verdicts, now, new AuditRecord(AuditAction.Update, AuditOutcome.Success, "Encounter", null, null,
                Details: string.Create(CultureInfo.InvariantCulture, $"completion.analyse: queued={ids.Length}; analysed={facts.Stays.Count}")), token);

            // A short batch emptied the queue (what was queued meanwhile has its own job); a full one may have left more.
            var more = requeued || (batch.Count == command.BatchSize && await db.AnalysisQueue.AnyAsync(token));
            return Result<StaysAnalysed>.Success(new StaysAnalysed(batch.Count, more, created, changed));
        }, ct);
    }

    private sealed record BatchFacts(
        IReadOnlyList<StayFacts> Stays, Dictionary<Guid, List<StoredDeficiency>> Deficiencies, IReadOnlyList<LeavePeriod> Leaves);

    private async Task<BatchFacts> ReadFactsAsync(Guid[] ids, DateTimeOffset goLive, CancellationToken ct)
    {
        var encounters = new List<(Guid Id, Guid Patient, string Class, Guid? Facility, DateTimeOffset? Start, DateTimeOffset End)>();
        var participants = new Dictionary<Guid, List<StayParticipant>>();
        var procedures = new Dictionary<Guid, List<StayProcedure>>();
        var notes = new Dictionary<Guid, List<StayNote>>();
        var orders = new Dictionary<Guid, List<StayOrder>>();
        var deficiencies = new Dictionary<Guid, List<StoredDeficiency>>();
        var leaves = new List<LeavePeriod>();
        if (ids.Length == 0)
        {
            return new BatchFacts([], deficiencies, leaves);
        }

        await using var batch = db.NewBatch();
        foreach (var sql in new[] { EncountersSql, ParticipantsSql, ProceduresSql, NotesSql, OrdersSql, DeficienciesSql, LeavesSql })
        {
            var statement = new NpgsqlBatchCommand(sql);
            statement.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
            if (ReferenceEquals(sql, EncountersSql))
            {
                statement.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = goLive, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            }

            batch.BatchCommands.Add(statement);
        }

        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            encounters.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), NullableGuid(reader, 3),
                NullableTime(reader, 4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            Add(participants, reader.GetGuid(0), new StayParticipant(reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            Add(procedures, reader.GetGuid(0), new StayProcedure(reader.GetGuid(1), NullableTime(reader, 2), NullableTime(reader, 3),
                NullableGuid(reader, 4), reader.GetBoolean(5), reader.GetBoolean(6), reader.GetBoolean(7)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            Add(notes, reader.GetGuid(0), new StayNote(reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetString(2), NullableTime(reader, 3),
                NullableGuid(reader, 4), reader.GetBoolean(5)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            Add(orders, reader.GetGuid(0), new StayOrder(reader.GetGuid(1), NullableTime(reader, 2), NullableGuid(reader, 3), reader.GetBoolean(4)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            Add(deficiencies, reader.GetGuid(0), new StoredDeficiency(reader.GetGuid(1), reader.GetString(2), NullableGuid(reader, 3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6), NullableGuid(reader, 7), reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetFieldValue<DateTimeOffset>(9), reader.IsDBNull(10) ? null : reader.GetString(10), NullableGuid(reader, 11), reader.GetInt64(12)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            leaves.Add(new LeavePeriod(reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1), reader.GetFieldValue<DateOnly>(2)));
        }

        var stays = encounters.Select(e => new StayFacts(e.Id, e.Patient, e.Class, e.Facility, e.Start, e.End,
            participants.GetValueOrDefault(e.Id) ?? [], procedures.GetValueOrDefault(e.Id) ?? [],
            notes.GetValueOrDefault(e.Id) ?? [], orders.GetValueOrDefault(e.Id) ?? [])).ToList();
        return new BatchFacts(stays, deficiencies, leaves);
    }

    // One round trip: the stays upserted, new deficiencies inserted with their "created" history, changed ones updated
    // with theirs (only where unchanged since read), and the batch's audit row.
    private async Task<(int Created, int Changed, bool Requeued)> WriteAsync(
        IReadOnlyList<StayFacts> stays, List<StayChanges> verdicts, DateTimeOffset now, AuditRecord record, CancellationToken ct)
    {
        var inserts = verdicts.SelectMany(v => v.Created).ToList();
        var updates = verdicts.SelectMany(v => v.Changed).ToList();
        await using var batch = db.NewBatch();
        if (stays.Count > 0)
        {
            batch.BatchCommands.Add(Statement(UpsertStaysSql,
                stays.Select(s => s.EncounterId).ToArray(), stays.Select(s => s.PatientId).ToArray(), stays.Select(s => s.EncounterClass).ToArray(),
                stays.Select(s => s.FacilityId).ToArray(), stays.Select(s => s.AdmittedAt).ToArray(), stays.Select(s => s.DischargedAt).ToArray(),
                verdicts.Select(v => v.OpenDeficiencies).ToArray(), verdicts.Select(v => v.DelinquentAt).ToArray(), now));
        }

        if (inserts.Count > 0)
        {
            batch.BatchCommands.Add(Statement(InsertSql,
                inserts.Select(i => i.Id).ToArray(), inserts.Select(i => i.EncounterId).ToArray(), inserts.Select(i => i.PatientId).ToArray(),
                inserts.Select(i => i.Wanted.RuleId).ToArray(), inserts.Select(i => i.Wanted.Key).ToArray(), inserts.Select(i => i.Wanted.Kind).ToArray(),
                inserts.Select(i => i.Wanted.Description).ToArray(), inserts.Select(i => i.Wanted.DocumentType).ToArray(),
                inserts.Select(i => i.Wanted.DocumentId).ToArray(), inserts.Select(i => i.Wanted.OrderId).ToArray(),
                inserts.Select(i => i.Wanted.ProcedureId).ToArray(), inserts.Select(i => i.Wanted.ResponsiblePractitionerId).ToArray(),
                inserts.Select(i => i.Wanted.Open ? DeficiencyStatuses.Open : DeficiencyStatuses.Resolved).ToArray(),
                inserts.Select(i => i.DischargedAt).ToArray(), inserts.Select(i => i.DueAt).ToArray(), now));
        }

        var updateAt = batch.BatchCommands.Count;
        if (updates.Count > 0)
        {
            batch.BatchCommands.Add(Statement(UpdateSql,
                updates.Select(u => u.Id).ToArray(), updates.Select(u => u.Version).ToArray(), updates.Select(u => u.Status).ToArray(),
                updates.Select(u => u.Kind).ToArray(), updates.Select(u => u.Description).ToArray(), updates.Select(u => u.DueAt).ToArray(),
                updates.Select(u => u.DocumentId).ToArray(), updates.Select(u => u.Resolution).ToArray(), now, updates.Select(u => u.Event).ToArray()));
        }

        var (auditRow, auditCommand) = audit.Prepare(record with
        {
            Details = record.Details + string.Create(CultureInfo.InvariantCulture, $"; created={inserts.Count}; changed={updates.Count}"),
        });
        batch.BatchCommands.Add(auditCommand);
        var updated = new HashSet<Guid>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            // One result per statement, in order (each returns rows: counts, the updated keys, the audit link).
            for (var i = 0; i < updateAt; i++)
            {
                await reader.NextResultAsync(ct);
            }

            if (updates.Count > 0)
            {
                while (await reader.ReadAsync(ct))
                {
                    updated.Add(reader.GetGuid(0));
                }

                await reader.NextResultAsync(ct);
            }

            await AuditAppender.ReadLinkAsync(reader, auditRow, ct);
        }

        // A deficiency changed by someone else since it was read (a signature, a reassignment): analyse its stay again.
        var requeue = verdicts.Where(v => v.Changed.Any(c => !updated.Contains(c.Id))).Select(v => v.EncounterId).ToArray();
        if (requeue.Length > 0)
        {
            await using var again = Command(RequeueSql, requeue, now);
            await again.ExecuteNonQueryAsync(ct);
        }

        return (inserts.Count, updates.Count, requeue.Length > 0);
    }

    // Positional parameters ($1…), typed by their CLR types (arrays for unnest).
    private NpgsqlCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction());
        foreach (var value in values)
        {
            command.Parameters.Add(Parameter(value));
        }

        return command;
    }

    private static NpgsqlBatchCommand Statement(string sql, params object?[] values)
    {
        var statement = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            statement.Parameters.Add(Parameter(value));
        }

        return statement;
    }

    private static NpgsqlParameter Parameter(object? value) => value switch
    {
        DateTimeOffset at => new NpgsqlParameter<DateTimeOffset> { TypedValue = at, NpgsqlDbType = NpgsqlDbType.TimestampTz },
        null => new NpgsqlParameter { Value = DBNull.Value },
        _ => new NpgsqlParameter { Value = value },
    };

    private static void Add<T>(Dictionary<Guid, List<T>> into, Guid key, T value)
    {
        if (!into.TryGetValue(key, out var list))
        {
            into[key] = list = [];
        }

        list.Add(value);
    }

    private static Guid? NullableGuid(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetGuid(ordinal);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}

/// <summary>The job the clinical-record writer queues (<see cref="StaysToAnalyse"/>): analyses batches until the queue is empty.</summary>
[JobKind(StaysToAnalyse.JobKind)]
public sealed class AnalyseStaysJob(AnalyseStaysHandler analyse) : IJobWork
{
    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var total = 0;
        while (true)
        {
            var result = await analyse.HandleAsync(new AnalyseStaysCommand(), ct);
            if (result.Error is { } error)
            {
                job.FailureMessage = error.Message;
                return JobOutcome.Failed;
            }

            total += result.Value!.Stays;
            job.Report(total, null, $"{total} stays analysed");
            if (!result.Value.MoreQueued || result.Value.Stays == 0)
            {
                job.Result = new { stays = total };
                return JobOutcome.Succeeded;
            }
        }
    }
}
