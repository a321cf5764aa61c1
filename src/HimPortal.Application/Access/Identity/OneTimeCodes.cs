using System.Security.Cryptography;
using System.Text;
using HimPortal.Data.Bulk;
using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Application.Access.Identity;

/// <summary>
/// The one-time codes already accepted, kept in PostgreSQL so a code accepted on one web node (or the portal host) is
/// refused on every other: RFC 6238 section 5.2, "the verifier MUST NOT accept the second attempt of the same OTP after
/// the successful validation has been issued for the first OTP". The primary key (user, purpose, step, code hash) makes
/// the check and the marking one INSERT: of two nodes racing with the same code, exactly one inserts.
/// <para>
/// Only a SHA-256 over purpose, user, step and code is stored. Six digits hash to a space of a million, so the hash hides
/// the code from a casual reader rather than from a determined one; what keeps that harmless is that a row exists only
/// for a code already used, and only until the code would have expired anyway (then it is pruned).
/// </para>
/// </summary>
public sealed class OneTimeCodes(BulkConnections connections, TimeProvider clock)
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(5);
    private long _nextPruneTicks;

    private const string UseSql = """
        INSERT INTO access.used_one_time_codes (user_id, purpose, time_step, code_hash, used_at, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT DO NOTHING
        """;

    /// <summary>
    /// Marks <paramref name="code"/> used by <paramref name="userId"/> for <paramref name="purpose"/> in <paramref name="timeStep"/>:
    /// true the first time, false when it was used already (a replay). The caller has checked that the code is right;
    /// <paramref name="expiresAt"/> is when it stops being acceptable anyway, after which the row may go.
    /// Commits on its own connection at once: a code is spent even if the caller's own work then fails.
    /// </summary>
    public async Task<bool> TryUseAsync(Guid userId, string purpose, string code, long timeStep, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(purpose.Length, 40);

        var now = clock.GetUtcNow();
        await using var connection = await connections.OpenAsync(ct);
        await PruneIfDueAsync(connection, now, ct);
        await using var command = new NpgsqlCommand(UseSql, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = purpose });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = timeStep });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Hash(userId, purpose, timeStep, code), NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expiresAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Deletes the codes that can no longer be accepted. Runs by itself every few minutes from any node's calls.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await PruneAsync(connection, clock.GetUtcNow(), ct);
    }

    internal static byte[] Hash(Guid userId, string purpose, long timeStep, string code) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"one-time-code\n{purpose}\n{userId:D}\n{timeStep}\n{code}"));

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
        await using var command = new NpgsqlCommand("DELETE FROM access.used_one_time_codes WHERE expires_at <= $1", connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteNonQueryAsync(ct);
    }
}
