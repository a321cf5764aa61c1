using System.Globalization;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Data;
using HimPortal.Data.Mpi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Patients.Matching;

/// <summary>Two records and their score, ready for <see cref="MatchOutcomes.ApplyAsync"/>.</summary>
public sealed record ScoredPair(MatchKeys A, MatchKeys B, MatchResult Result);

/// <summary>What applying outcomes did.</summary>
public sealed record OutcomeCounts(int Linked, int Review, int Rescored);

/// <summary>
/// The one place a score becomes an outcome (issue 16 item 2), for arrivals and the full scan alike: at or above the
/// auto-link threshold, with auto-linking on and no guard, the records are linked through the clinical-record writer
/// (ADR 0015) and the pair is marked linked with an auto-linked decision; a guard (both records hold clinical data, sex or
/// birth date disagree, a restricted record, a temporary name) or a score between the thresholds puts the pair on the
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
        var existing = (await db.CandidatePairs.Where(c => firsts.Contains(c.RecordA) && seconds.Contains(c.RecordB)).ToListAsync(ct))
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

            var score = pair.Result.Score;
            if (score < settings.ReviewThreshold)
            {
                if (found is not null)
                {
                    Rescore(found, pair.Result, now);
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
        }

        await db.SaveChangesAsync(ct);
        return new OutcomeCounts(linked, review, rescored);
    }

    /// <summary>
    /// Puts an import conflict (clinical.import_conflicts: the import refused to move a resource between two records) on
    /// the worklist as a pair of the two records, unless the pair is already there or decided. In the caller's transaction.
    /// </summary>
    public static async Task<bool> FromImportConflictAsync(
        HimDbContext db, AccessAudit audit, long conflictId, Guid storedPatient, Guid incomingPatient, string resourceType, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        if (storedPatient == incomingPatient)
        {
            return false;
        }

        var (a, b) = Before(storedPatient, incomingPatient) ? (storedPatient, incomingPatient) : (incomingPatient, storedPatient);
        if (await db.CandidatePairs.AnyAsync(p => p.RecordA == a && p.RecordB == b, ct))
        {
            return false;
        }

        var row = db.CandidatePairs.Add(new CandidatePair
        {
            RecordA = a, RecordB = b, Status = PairStatuses.Review, Source = PairSources.ImportConflict,
            Reason = Clip($"import conflict: a {resourceType} of one record was sent for the other", 400), Explanation = "[]",
            FoundAt = now, ScoredAt = now, ImportConflictId = conflictId,
        }).Entity;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(Audited(AuditAction.Create, row, $"to the worklist: import conflict {conflictId} ({resourceType})"), ct);
        return true;
    }

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
        var rows = await db.Database.SqlQueryRaw<RecordFacts>(sql, new Npgsql.NpgsqlParameter<Guid[]>("ids", ids)).ToListAsync(ct);
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
