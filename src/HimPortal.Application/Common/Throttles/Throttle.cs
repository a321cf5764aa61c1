using System.Security.Cryptography;
using System.Text;
using HimPortal.Data.Bulk;
using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Application.Common.Throttles;

/// <summary>What a throttle answered.</summary>
/// <param name="Used">Attempts counted in the window so far, this one included when allowed.</param>
/// <param name="ResetsAt">When the window ends and the key may try again.</param>
public sealed record ThrottleDecision(bool Allowed, int Used, int Limit, DateTimeOffset ResetsAt)
{
    public TimeSpan RetryAfter(DateTimeOffset now) => Allowed ? TimeSpan.Zero : ResetsAt - now;
}

/// <summary>
/// Attempt limits kept in PostgreSQL, so they hold across every web node and the portal host: at most <c>limit</c>
/// attempts per key per window (sign-ins per account, codes per user, requests per client).
/// <para>
/// Fixed windows, aligned to the Unix epoch: one row per key and window, counted by a single
/// INSERT … ON CONFLICT DO UPDATE … RETURNING, in which the row lock serialises concurrent callers on any node. So the
/// limit is exact within a window and costs one statement and no read-modify-write. The price is the boundary: a caller
/// can spend a window's limit at its end and the next window's at the start of the next (up to twice the limit in one
/// window's length); callers choose limits with that in mind. A sliding log would be exact but needs a row per attempt
/// and a lock around count-then-insert; an approximate sliding counter gives up exactness for little.
/// </para>
/// <para>
/// Keys are stored as SHA-256 hashes (a key often holds an e-mail address or an account id); a row lives only until its
/// window ends (pruned then), so the table never holds a history of who tried what. Each decision commits on its own
/// connection, outside any caller's transaction: an attempt that fails and rolls back still counts.
/// </para>
/// </summary>
public sealed class Throttle(BulkConnections connections, TimeProvider clock)
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(5);
    private long _nextPruneTicks;

    // Stops counting at limit + 1: a refused caller adds nothing, so the count cannot grow without bound under attack.
    private const string AcquireSql = """
        INSERT INTO access.throttle_windows AS t (key_hash, window_start, window_end, hits)
        VALUES ($1, $2, $3, 1)
        ON CONFLICT (key_hash, window_start) DO UPDATE SET hits = t.hits + 1
        WHERE t.hits <= $4
        RETURNING hits
        """;

    public async Task<ThrottleDecision> TryAcquireAsync(string key, int limit, TimeSpan window, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromSeconds(1));

        var now = clock.GetUtcNow();
        var start = WindowStart(now, window);
        var end = start + window;
        await using var connection = await connections.OpenAsync(ct);
        await PruneIfDueAsync(connection, now, ct);
        await using var command = new NpgsqlCommand(AcquireSql, connection);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = HashKey(key, window), NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = start, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = end, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var hits = await command.ExecuteScalarAsync(ct);
        // No row back: the window was already over the limit and the update's WHERE refused it.
        return hits is int counted && counted <= limit
            ? new ThrottleDecision(true, counted, limit, end)
            : new ThrottleDecision(false, hits is int over ? over : limit + 1, limit, end);
    }

    /// <summary>Deletes every window that has ended. Runs by itself every few minutes from any node's calls; jobs may call it too.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await PruneAsync(connection, clock.GetUtcNow(), ct);
    }

    /// <summary>The window of <paramref name="now"/>: windows are aligned to the Unix epoch, so every node agrees on them.</summary>
    internal static DateTimeOffset WindowStart(DateTimeOffset now, TimeSpan window)
    {
        var sinceEpoch = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks(sinceEpoch - (sinceEpoch % window.Ticks));
    }

    /// <summary>
    /// SHA-256 of the key and the window length (the same key under two limits is two throttles). A hash of a guessable
    /// key (an e-mail address) can be confirmed by guessing; what it prevents is a plain copy of it in a table that
    /// only lives for minutes, while the accounts table holds the addresses anyway.
    /// </summary>
    internal static byte[] HashKey(string key, TimeSpan window) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"throttle\n{window.Ticks}\n{key}"));

    private async Task PruneIfDueAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken ct)
    {
        var due = Interlocked.Read(ref _nextPruneTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextPruneTicks, now.UtcTicks + PruneEvery.Ticks, due) != due)
        {
            return;
        }

        await PruneAsync(connection, now, ct);
    }

    private static async Task<int> PruneAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("DELETE FROM access.throttle_windows WHERE window_end <= $1", connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteNonQueryAsync(ct);
    }
}
