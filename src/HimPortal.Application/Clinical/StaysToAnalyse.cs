using HimPortal.Application.Audit;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace HimPortal.Application.Clinical;

/// <summary>The analysis job's payload: nothing but why it was queued, a code ("import", "scanned document filed"); the stays wait in completion.analysis_queue.</summary>
public sealed record AnalyseStaysPayload([property: JobCode] string Reason) : IJobPayload;

/// <summary>
/// Chart completion's trigger, in the core because the clinical-record writer pulls it: whenever the writer discharges an
/// encounter, or writes a document, procedure or order of one, the encounter goes on completion.analysis_queue and a
/// job (<see cref="JobKind"/>, run by the scheduler's actor) re-analyses the queued stays, in the same transaction as the
/// change, so a stay is never changed without being looked at again (42 CFR 482.24(c)). Which stays the rules apply to
/// (discharged, after the go-live, of a class with rules) is the analysis's business, not the writer's.
/// </summary>
public static class StaysToAnalyse
{
    /// <summary>The chart-completion analysis job (Application/Completion/Analysis).</summary>
    public const string JobKind = "completion.analyse-stays";

    // The encounters a set of changed rows touches: discharged encounters among them, and the encounters of documents,
    // procedures and orders among them.
    private const string QueueSql = """
        WITH touched AS (
            SELECT e.id FROM clinical.encounters e WHERE e.id = ANY($1) AND e.period_end IS NOT NULL
            UNION SELECT n.encounter_id FROM clinical.clinical_notes n WHERE n.id = ANY($1) AND n.encounter_id IS NOT NULL
            UNION SELECT p.encounter_id FROM clinical.procedures p WHERE p.id = ANY($1) AND p.encounter_id IS NOT NULL
            UNION SELECT m.encounter_id FROM clinical.medication_requests m WHERE m.id = ANY($1) AND m.encounter_id IS NOT NULL)
        INSERT INTO completion.analysis_queue (encounter_id, queued_at)
        SELECT id, $2 FROM touched
        ON CONFLICT (encounter_id) DO NOTHING
        """;

    /// <summary>
    /// Queues the stays that <paramref name="changedKeys"/> (keys of clinical rows just written) touch, and the job, on a
    /// plain connection in its transaction (the bulk import). Returns how many stays were queued.
    /// </summary>
    public static async Task<int> QueueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<Guid> changedKeys, string reason, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(changedKeys);
        if (changedKeys.Count == 0)
        {
            return 0;
        }

        await using var queue = new NpgsqlCommand(QueueSql, connection, transaction);
        queue.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. changedKeys] });
        queue.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        var queued = await queue.ExecuteNonQueryAsync(ct);
        if (queued > 0)
        {
            await JobQueue.EnqueueOnAsync(connection, transaction, JobKind, new AnalyseStaysPayload(reason),
                ActorScope.Scheduler(JobKind, Guid.CreateVersion7(now).ToString("D")), now, ct);
        }

        return queued;
    }

    /// <summary>As <see cref="QueueAsync(NpgsqlConnection, NpgsqlTransaction, IReadOnlyCollection{Guid}, string, DateTimeOffset, CancellationToken)"/>, in the DbContext's transaction.</summary>
    public static Task<int> QueueAsync(HimDbContext db, IReadOnlyCollection<Guid> changedKeys, string reason, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Stays are queued for analysis in the transaction that changes them: begin one first.");
        return QueueAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(), changedKeys, reason, now, ct);
    }
}
