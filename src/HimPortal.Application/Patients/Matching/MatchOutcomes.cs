using System.Globalization;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Data;
using HimPortal.Data.Mpi;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HimPortal.Application.Patients.Matching;

/// <summary>Two records and their score, ready for <see cref="MatchOutcomes.ApplyAsync"/>.</summary>
public sealed record ScoredPair(MatchKeys A, MatchKeys B, MatchResult Result);

/// <summary>What applying outcomes did.</summary>
public sealed record OutcomeCounts(int Linked, int Review, int Rescored);

/// <summary>
/// The one place a score becomes an outcome (issue 16 item 2), for arrivals and the full scan alike: at or above the
/// auto-link threshold, with auto-linking on and no guard, the records are linked through the clinical-record writer
/// (ADR 0015) and the pair is marked linked with an auto-linked decision; a guard (both records hold clinical data; SSNs,
/// given names, sex or birth date disagree; a restricted record; a temporary name) or a score between the thresholds puts the pair on the
/// worklist with the reason; below, nothing. A pair decided before (not the same person, unlinked, linked) is never
/// re-opened; an open pair is re-scored. Each new pair and each link is audited ("PatientMatch", record A's patient,
/// record B's id and the outcome in the details). In the caller's transaction.
/// </summary>
public static class MatchOutcomes
{
    public const string AuditResource = "PatientMatch";

    public const string BetweenThresholds = "score between the thresholds";

    public static async Task<OutcomeCounts> ApplyAsync(
        HimDbContext db, AccessAudit audit, MatchConfiguration settings, string source, IReadOnlyList<ScoredPair> pairs, DateTimeOffset now,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(pairs);
        var ordered = pairs.Where(p => p.A.PatientId != p.B.PatientId)
            .Select(p => Before(p.A.PatientId, p.B.PatientId) ? p : p with { A = p.B, B = p.A })
            .DistinctBy(p => (p.A.PatientId, p.B.PatientId)).ToList();
        if (ordered.Count == 0)
        {
            return new OutcomeCounts(0, 0, 0);
        }

        var firsts = ordered.Select(p => p.A.PatientId).Distinct().ToArray();
        var seconds = ordered.Select(p => p.B.PatientId).Distinct().ToArray();
        // Read untracked and attached one at a time below: the context tracks only the pair at hand, so each save's
        // change detection costs the same at the first pair of a page as at the five-thousandth (a page's tracked rows
        // made a scan with auto-linking on cost 0.2 s a link at 100,000 records).
        var existing = (await db.CandidatePairs.AsNoTracking().Where(c => firsts.Contains(c.RecordA) && seconds.Contains(c.RecordB)).ToListAsync(ct))
            .ToDictionary(c => (c.RecordA, c.RecordB));

        var linkable = ordered.Where(p => settings.AutoLinkEnabled && p.Result.Score >= settings.AutoLinkThreshold).ToList();
        var facts = await FactsAsync(db, [.. linkable.SelectMany(p => new[] { p.A.PatientId, p.B.PatientId }).Distinct()], ct);

        int linked = 0, review = 0, rescored = 0;
        foreach (var pair in ordered)
        {
            var found = existing.GetValueOrDefault((pair.A.PatientId, pair.B.PatientId));
            if (found is not null && !PairStatuses.Open.Contains(found.Status))
            {
                continue; // Decided: never proposed again (issue 16 item 3), never re-linked by the matcher.
            }

            if (found is not null)
            {
                db.CandidatePairs.Attach(found);
            }

            var score = pair.Result.Score;
            if (score < settings.ReviewThreshold)
            {
                if (found is not null)
                {
                    Rescore(found, pair.Result, now);
                    await db.SaveChangesAsync(ct);
                    Forget(db);
                    rescored++;
                }

                continue;
            }

            var guard = score >= settings.AutoLinkThreshold ? Guard(pair, facts) : null;
            var link = settings.AutoLinkEnabled && score >= settings.AutoLinkThreshold && guard is null;
            var reason = link
                ? $"auto-linked: score {Format(score)} at or above {Format(settings.AutoLinkThreshold)}"
                : guard is null ? BetweenThresholds
                : settings.AutoLinkEnabled ? $"not auto-linked: {guard}" : $"auto-linking is off ({guard})";
            if (!link && !settings.AutoLinkEnabled && score >= settings.AutoLinkThreshold && guard is null)
            {
                reason = "above the auto-link threshold; auto-linking is off";
            }

            var isNew = found is null;
            var row = found ?? db.CandidatePairs.Add(new CandidatePair
            {
                RecordA = pair.A.PatientId, RecordB = pair.B.PatientId, Status = PairStatuses.Review, Source = source, Reason = reason,
                Explanation = pair.Result.Explanation, FoundAt = now, ScoredAt = now,
            }).Entity;
            Rescore(row, pair.Result, now);
            if (row.Status == PairStatuses.Review)
            {
                row.Reason = Clip(reason, 400);
            }

            if (link)
            {
                row.Status = PairStatuses.Linked;
                row.DecidedAt = now;
                row.DecidedByUserId = null;
                await db.SaveChangesAsync(ct);
                await ClinicalRecordWriter.LinkAsync(db, row.RecordA, row.RecordB, new LinkReason(null, Clip(reason, 400), row.Id), now, ct);
                db.PairDecisions.Add(new PairDecision
                {
                    PairId = row.Id, Decision = PairDecisions.AutoLinked, UserId = null, DecidedAt = now, Score = score, Note = Clip(reason, 2000),
                });
                await db.SaveChangesAsync(ct);
                await audit.RecordAsync(Audited(AuditAction.Update, row, $"auto-linked (score {Format(score)})"), ct);
                linked++;
            }
            else
            {
                await db.SaveChangesAsync(ct);
                if (isNew)
                {
                    await audit.RecordAsync(Audited(AuditAction.Create, row, $"to the worklist (score {Format(score)}): {reason}"), ct);
                    review++;
                }
                else
                {
                    rescored++;
                }
            }

            Forget(db);
        }

        await db.SaveChangesAsync(ct);
        return new OutcomeCounts(linked, review, rescored);
    }

    /// <summary>Stops tracking what has been saved (everything unchanged since its save), so the next pair's saves stay cheap.</summary>
    private static void Forget(HimDbContext db)
    {
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Unchanged).ToList())
        {
            entry.State = EntityState.Detached;
        }
    }

    /// <summary>
    /// Puts the import's refused re-keying conflicts (clinical.import_conflicts, ADR 0019) on the worklist at the point
    /// they are recorded: one pair of the two records per conflict whose both records exist, unless the pair is there
    /// already (open or decided). On the import's own connection, in its transaction or none (a refused bundle rolled
    /// back). Each new pair is audited like the matcher's.
    /// </summary>
    public static async Task<int> FromImportConflictsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, AuditAppender audit, IReadOnlyCollection<(Guid ResourceId, Guid IncomingPatientId)> conflicts,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(conflicts);
        if (conflicts.Count == 0)
        {
            return 0;
        }

        var created = new List<(long Id, Guid A, Guid B, long Conflict, string Type)>();
        await using (var insert = new NpgsqlCommand(ImportConflictPairsSql, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. conflicts.Select(c => c.ResourceId)] });
            insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. conflicts.Select(c => c.IncomingPatientId)] });
            await using var reader = await insert.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                created.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4)));
            }
        }

        foreach (var pair in created)
        {
            await audit.AppendAsync(connection, transaction, new AuditRecord(AuditAction.Create, AuditOutcome.Success, AuditResource,
                pair.Id.ToString(CultureInfo.InvariantCulture), PatientId: pair.A,
                Details: $"record {pair.B:D}: to the worklist: import conflict {pair.Conflict} ({pair.Type})"), ct);
        }

        return created.Count;
    }

    private const string ImportConflictPairsSql = """
        WITH c AS (
            SELECT ic.id, ic.resource_type, LEAST(ic.stored_patient_id, ic.incoming_patient_id) AS a, GREATEST(ic.stored_patient_id, ic.incoming_patient_id) AS b
            FROM clinical.import_conflicts ic
            JOIN unnest($1::uuid[], $2::uuid[]) AS k(resource_id, incoming) ON ic.resource_id = k.resource_id AND ic.incoming_patient_id = k.incoming
            WHERE ic.outcome = 'refused' AND ic.stored_patient_id <> ic.incoming_patient_id
              AND EXISTS (SELECT FROM clinical.patients p WHERE p.id = ic.incoming_patient_id)
              AND EXISTS (SELECT FROM clinical.patients p WHERE p.id = ic.stored_patient_id)),
        firsts AS (SELECT DISTINCT ON (a, b) * FROM c ORDER BY a, b, id)
        INSERT INTO mpi.candidate_pairs (record_a, record_b, score, weight, status, source, reason, explanation, found_at, scored_at, import_conflict_id)
        SELECT a, b, 0, 0, 'review', 'import-conflict', left('import conflict: a ' || resource_type || ' of one record was sent for the other', 400),
               '[]'::jsonb, now(), now(), id
        FROM firsts
        ON CONFLICT (record_a, record_b) DO NOTHING
        RETURNING id, record_a, record_b, import_conflict_id, (SELECT resource_type FROM clinical.import_conflicts WHERE id = import_conflict_id)
        """;

    /// <summary>Why a pair above the auto-link threshold must still be looked at by a person, or null.</summary>
    private static string? Guard(ScoredPair pair, IReadOnlyDictionary<Guid, (bool Clinical, bool Restricted)> facts)
    {
        var fields = pair.Result.Fields;
        bool Outcome(string field, params string[] outcomes) => fields.Any(f => f.Field == field && outcomes.Contains(f.Outcome));
        var a = facts.GetValueOrDefault(pair.A.PatientId);
        var b = facts.GetValueOrDefault(pair.B.PatientId);
        return a.Clinical && b.Clinical ? "both records hold clinical data"
            : Outcome(MatchFields.Sex, FieldOutcomes.Disagree) ? "sexes disagree"
            : Outcome(MatchFields.BirthDate, FieldOutcomes.Disagree, FieldOutcomes.Partial) ? "birth dates disagree"
            : a.Restricted || b.Restricted ? "restricted record (VIP or employee)"
            : pair.A.TemporaryName || pair.B.TemporaryName ? "temporary name"
            // Two full social security numbers that differ are two people as often as a typing error (twins given
            // nicknames of one name score like a duplicate on everything else): a person decides.
            : Outcome(MatchFields.Ssn, FieldOutcomes.Disagree) ? "social security numbers disagree"
            : Outcome(MatchFields.Given, FieldOutcomes.Disagree) ? "given names disagree"
            // Twins named after each other (Elizabeth Michelle, Donna Elizabeth) share everything else: the 100,000-person
            // benchmark auto-linked one such pair. A person who goes by a middle name is found all the same, on the worklist.
            : fields.Any(f => f.Field == MatchFields.Given && f.Note == MatchScorer.MiddleNameOrInitial) ? "given name agrees only as a middle name or initial"
            // Twins named Elizabeth and Lisa, Christina and Christine share a surname, a birth date and a household, and
            // score like a duplicate: given names that differ at all are confirmed by something only the person holds
            // (SSN, e-mail, another facility's number) before a link is automatic (2 of 1,660 twin pairs at 1,000,000).
            : Outcome(MatchFields.Given, FieldOutcomes.Partial)
              && !fields.Any(f => (f.Field is MatchFields.Ssn or MatchFields.Email or MatchFields.Identifier) && (f.Outcome is FieldOutcomes.Agree or FieldOutcomes.Partial))
                ? "given names differ and no personal identifier agrees"
            : null;
    }

    /// <summary>For each record: whether it holds clinical data in force, and whether it is restricted (one query).</summary>
    private static async Task<Dictionary<Guid, (bool Clinical, bool Restricted)>> FactsAsync(HimDbContext db, Guid[] ids, CancellationToken ct)
    {
        if (ids.Length == 0)
        {
            return [];
        }

        var sql = $"""
            SELECT r.id AS "Id",
                   (EXISTS (SELECT FROM clinical.encounters e WHERE e.patient_id = r.id AND {InForce.NotEnteredInError("e.id")})
                    OR EXISTS (SELECT FROM clinical.observations o WHERE o.patient_id = r.id AND {InForce.NotEnteredInError("o.id")})
                    OR EXISTS (SELECT FROM clinical.conditions c WHERE c.patient_id = r.id AND {InForce.NotEnteredInError("c.id")})
                    OR EXISTS (SELECT FROM clinical.clinical_notes n WHERE n.patient_id = r.id AND {InForce.NotEnteredInError("n.id")})) AS "Clinical",
                   EXISTS (SELECT FROM access.patient_restrictions x WHERE x.patient_id = r.id AND (x.vip OR x.employee)) AS "Restricted"
            FROM unnest(@ids) AS r(id)
            """;
        var rows = await db.Database.SqlQueryRaw<RecordFacts>(sql, new NpgsqlParameter<Guid[]>("ids", ids)).ToListAsync(ct);
        return rows.ToDictionary(r => r.Id, r => (r.Clinical, r.Restricted));
    }

    private static void Rescore(CandidatePair row, MatchResult result, DateTimeOffset now)
    {
        row.Score = result.Score;
        row.Weight = result.Weight;
        row.Explanation = result.Explanation;
        row.ScoredAt = now;
    }

    private static AuditRecord Audited(string action, CandidatePair row, string outcome) =>
        new(action, AuditOutcome.Success, AuditResource, row.Id.ToString(CultureInfo.InvariantCulture), PatientId: row.RecordA,
            Details: Clip($"record {row.RecordB:D}: {outcome}", 1000));

    /// <summary>uuid order as PostgreSQL sorts it (byte by byte of the text form), which the pair's CHECK uses.</summary>
    internal static bool Before(Guid a, Guid b) => string.CompareOrdinal(a.ToString("N"), b.ToString("N")) < 0;

    private static string Format(double value) => value.ToString("0.00##", CultureInfo.InvariantCulture);

    private static string Clip(string value, int length) => value.Length > length ? value[..length] : value;

    private sealed record RecordFacts(Guid Id, bool Clinical, bool Restricted);
}
