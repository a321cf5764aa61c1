using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HimPortal.Application.Audit.Checkpoints;

public sealed record WriteAuditCheckpointCommand;

/// <param name="PreviousHeld">Whether the last checkpoint before it still holds (its heads in the chain, no lane behind it); null when it is the first.</param>
/// <param name="Problem">Why the previous checkpoint no longer holds, in words; null when it does.</param>
public sealed record AuditCheckpointWritten(long Number, string File, DateTimeOffset TakenAt, bool? PreviousHeld, string? Problem);

/// <summary>
/// Takes a signed checkpoint of the lane heads (docs/adr/0020-audit-time-and-outside-anchors.md): reads every head in one
/// statement (one snapshot), signs it with a key the database never holds, and writes it outside PostgreSQL
/// (<see cref="AuditCheckpointStore"/>). Before that it checks the last checkpoint against the chain (16 indexed reads),
/// so a rewrite is reported within one schedule period, not only when someone runs a full verification.
/// </summary>
[RequiresPermission(Permissions.AuditMaintain)]
public sealed class WriteAuditCheckpointHandler(PermissionCheck permissions, HimDbContext db, AuditCheckpointStore store)
    : Handler<WriteAuditCheckpointCommand, Result<AuditCheckpointWritten>>(permissions)
{
    protected override async Task<Result<AuditCheckpointWritten>> ExecuteAsync(WriteAuditCheckpointCommand command, CancellationToken ct)
    {
        if (!store.IsConfigured)
        {
            return Error.Conflict("Audit checkpoints are not configured: set Audit:Checkpoints:Directory and Audit:Checkpoints:KeyFile (or Key).");
        }

        var stored = store.Read(1);
        var previous = stored.Count > 0 ? stored[^1] : null;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            string? problem = null;
            if (previous is { Verified: false })
            {
                problem = $"checkpoint {previous.Number} ({Path.GetFileName(previous.File)}) {previous.Problem}";
            }
            else if (previous?.Checkpoint is { } last)
            {
                problem = await ProblemWithAsync(connection, last, ct);
            }

            var (takenAt, database, heads) = await ReadHeadsAsync(connection, ct);
            var written = await store.WriteAsync(takenAt, database, heads, ct);
            return Result<AuditCheckpointWritten>.Success(new AuditCheckpointWritten(written.Number, written.File, takenAt,
                previous is null ? null : problem is null, problem));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<(DateTimeOffset TakenAt, string Database, List<CheckpointHead> Heads)> ReadHeadsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // One statement: every head as of one snapshot, and the database's own time (the rows' clock).
        await using var command = new NpgsqlCommand(
            "SELECT lane, lane_seq, hash, occurred_at, clock_timestamp(), current_database() FROM audit.lane_heads ORDER BY lane", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var heads = new List<CheckpointHead>();
        var takenAt = DateTimeOffset.MinValue;
        var database = "";
        while (await reader.ReadAsync(ct))
        {
            heads.Add(new CheckpointHead(reader.GetInt16(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
            takenAt = reader.GetFieldValue<DateTimeOffset>(4);
            database = reader.GetString(5);
        }

        return (takenAt, database, heads);
    }

    /// <summary>
    /// A checkpoint against the chain as it is now: each head still there with its hash (or its kept link, when archived),
    /// no lane behind it. Null when it holds; otherwise the first reason it does not. (The full verification checks
    /// every row up to it; this is the quick check the job and the tamper-evidence page make.)
    /// </summary>
    public static async Task<string?> ProblemWithAsync(NpgsqlConnection connection, AuditCheckpoint last, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(last);
        await using var command = new NpgsqlCommand("""
            SELECT c.lane, c.seq, h.lane_seq,
                   (SELECT e.hash FROM audit.access_events e WHERE e.lane = c.lane AND e.lane_seq = c.seq LIMIT 1),
                   (SELECT a.hash FROM audit.archive_links a WHERE a.lane = c.lane AND a.lane_seq = c.seq),
                   (SELECT min(k.lane_seq) FROM audit.access_events k WHERE k.lane = c.lane)
            FROM unnest($1::smallint[], $2::bigint[]) AS c(lane, seq)
            LEFT JOIN audit.lane_heads h ON h.lane = c.lane
            ORDER BY c.lane
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = [.. last.Heads.Select(h => h.Lane)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. last.Heads.Select(h => h.Seq)] });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var expected = last.Heads.ToDictionary(h => h.Lane);
        while (await reader.ReadAsync(ct))
        {
            var lane = reader.GetInt16(0);
            var seq = reader.GetInt64(1);
            var head = reader.IsDBNull(2) ? 0 : reader.GetInt64(2);
            if (seq == 0)
            {
                continue;
            }

            if (head < seq)
            {
                return $"lane {lane} ends at sequence {head}, but checkpoint {last.Number} recorded sequence {seq}";
            }

            var hash = !reader.IsDBNull(3) ? reader.GetFieldValue<byte[]>(3) : reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4);
            var oldestKept = reader.IsDBNull(5) ? (long?)null : reader.GetInt64(5);
            if (hash is null && (oldestKept is null || oldestKept <= seq))
            {
                // Not archived (the lane's kept rows reach back past it), yet not there: removed.
                return $"sequence {seq} of lane {lane}, which checkpoint {last.Number} recorded, is missing";
            }

            if (hash is not null && !hash.AsSpan().SequenceEqual(expected[lane].Hash))
            {
                return $"sequence {seq} of lane {lane} no longer carries the hash checkpoint {last.Number} recorded: the lane was rewritten";
            }
        }

        return null;
    }
}

/// <summary>The scheduled checkpoint (hourly by default, Jobs:Schedules:audit-checkpoints), as the scheduler.</summary>
[JobKind("audit.checkpoint")]
public sealed class AuditCheckpointJob(WriteAuditCheckpointHandler checkpoint) : IJobWork
{
    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var result = await checkpoint.HandleAsync(new WriteAuditCheckpointCommand(), ct);
        if (result.Error is { } refused)
        {
            job.FailureMessage = refused.Message;
            return JobOutcome.Failed;
        }

        var written = result.Value!;
        job.Result = new { written.Number, File = Path.GetFileName(written.File), written.TakenAt, written.PreviousHeld };
        if (written.Problem is { } problem)
        {
            // Written all the same (the older checkpoint still holds the evidence), but the job fails, loudly.
            job.FailureMessage = "The audit chain no longer agrees with its last checkpoint: " + problem + ". Run a verification.";
            return JobOutcome.Failed;
        }

        return JobOutcome.Succeeded;
    }
}
