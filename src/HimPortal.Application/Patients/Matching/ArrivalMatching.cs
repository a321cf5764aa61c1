using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Mpi;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HimPortal.Application.Patients.Matching;

/// <summary>What matching the arrivals did.</summary>
public sealed record ArrivalSummary(int Records, int Linked, int Review);

/// <summary>
/// Every new patient record is matched as it arrives (issue 16 item 2): the FHIR import queues <see cref="Kind"/> for the
/// records it wrote; document indexing and portal activation create no patient records today, and when they do they call
/// <see cref="MatchAsync"/> (or queue the job) the same way. Each record is matched in a transaction of its own, so one
/// failure leaves the others' outcomes in place and a retry re-does only what is left (outcomes are idempotent: a pair
/// is one row, a decided pair never re-opened).
/// </summary>
public sealed class ArrivalMatching(HimDbContext db, AccessAudit audit, PatientMatcher matcher, TimeProvider clock, ILogger<ArrivalMatching> logger)
{
    public const string Kind = "mpi.match-arrivals";

    public async Task<ArrivalSummary> MatchAsync(IReadOnlyCollection<Guid> patientIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(patientIds);
        var settings = await MatchSettingsStore.ReadAsync(db, ct);
        int linked = 0, review = 0;
        foreach (var chunk in patientIds.Distinct().Chunk(MatchKeysRefresh.BatchSize))
        {
            await MatchKeysRefresh.RefreshAsync(db, chunk, ct);
        }

        foreach (var patientId in patientIds.Distinct())
        {
            var counts = await db.InTransactionAsync(async token =>
            {
                var scored = await matcher.ScoreAsync(patientId, settings, token);
                var pairs = scored.Select(s => new ScoredPair(s.Record, s.Candidate, s.Result)).ToList();
                return await MatchOutcomes.ApplyAsync(db, audit, settings, PairSources.Arrival, pairs, clock.GetUtcNow(), token);
            }, ct);
            db.ChangeTracker.Clear();
            linked += counts.Linked;
            review += counts.Review;
        }

        // Counts only: never a name or an id of a patient in a log (conventions).
        logger.LogInformation("Matched {Records} arriving record(s): {Linked} linked, {Review} to the worklist", patientIds.Count, linked, review);
        return new ArrivalSummary(patientIds.Count, linked, review);
    }

    /// <summary>
    /// Queues the arrival job for <paramref name="patientIds"/> on the import's own connection and transaction (the
    /// import writes with plain Npgsql), so the job commits with the records it matches.
    /// </summary>
    public static Task<Guid?> EnqueueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<Guid> patientIds, AuditActor actor, DateTimeOffset now, CancellationToken ct) =>
        patientIds.Count == 0
            ? Task.FromResult<Guid?>(null)
            : JobQueue.EnqueueOnAsync(connection, transaction, Kind, new MatchArrivalsPayload([.. patientIds.Distinct()]), actor, now, ct);
}

/// <summary>The records to match: ids only (an architecture test holds payloads to ids, numbers and codes).</summary>
public sealed record MatchArrivalsPayload(IReadOnlyList<Guid> PatientIds) : IJobPayload;

/// <summary>The job that matches newly arrived records. Runs as whoever imported them (or the system).</summary>
[JobKind(ArrivalMatching.Kind)]
public sealed class MatchArrivalsJob(ArrivalMatching arrivals) : IJobWork
{
    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var payload = job.Payload<MatchArrivalsPayload>();
        job.Report(0, payload.PatientIds.Count, "matching");
        var summary = await arrivals.MatchAsync(payload.PatientIds, ct);
        job.Report(summary.Records, summary.Records, $"{summary.Linked} linked, {summary.Review} to the worklist");
        job.Result = summary;
        return JobOutcome.Succeeded;
    }
}
