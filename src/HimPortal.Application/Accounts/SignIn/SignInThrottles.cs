using System.Security.Cryptography;
using System.Text;
using HimPortal.Data.Bulk;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Application.Accounts.SignIn;

/// <summary>Which counter refused a sign-in attempt (null: none did).</summary>
public enum SignInThrottleScope
{
    Client,
    AccountOnClient,
    Account,
}

/// <summary>
/// The sign-in throttles (ADR 0022), kept in <c>access.sign_in_throttles</c> so that they hold across every web node and
/// the portal host. Each attempt counts as a failure from its start, by one INSERT … ON CONFLICT DO UPDATE per counter
/// whose row lock serialises concurrent attempts on any node and whose WHERE refuses an attempt while the counter's
/// delay runs (a refused attempt changes nothing, so hammering does not lengthen the delay). A successful sign-in takes
/// its own count back and marks the client as the account's usual one. Every statement commits on its own connection,
/// outside the sign-in's transaction: an attempt whose transaction rolls back still counts.
/// </summary>
public sealed class SignInThrottles(BulkConnections connections, IOptions<SignInThrottleOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(5);
    private long _nextPruneTicks;

    // Delays in seconds as float8: the exponent is capped so that 2^n never overflows before least() takes the maximum.
    private const string AttemptSql = """
        INSERT INTO access.sign_in_throttles AS t (key_hash, failures, last_failure_at, last_success_at, expires_at)
        VALUES ($1, 1, $2, NULL, $2 + make_interval(secs => $6))
        ON CONFLICT (key_hash) DO UPDATE SET
            failures = CASE WHEN t.last_failure_at IS NULL OR t.last_failure_at <= $2 - make_interval(secs => $6) THEN 1 ELSE t.failures + 1 END,
            last_failure_at = $2,
            expires_at = greatest(t.expires_at, $2 + make_interval(secs => $6))
        WHERE t.last_failure_at IS NULL
           OR t.last_failure_at <= $2 - make_interval(secs => $6)
           OR t.failures < $3
           OR t.last_failure_at + make_interval(secs => least($4 * power(2::float8, least(t.failures - $3, 60)), $5)) <= $2
        RETURNING last_success_at
        """;

    /// <summary>What an attempt's check answered: the counter that refused it, or null; and whether the client is the account's usual one.</summary>
    public sealed record Attempt(SignInThrottleScope? RefusedBy, bool UsualClient);

    /// <summary>
    /// Counts an attempt on the client's, the account-on-client's and (unless the client is the account's usual one) the
    /// account's counter, stopping at the first that refuses. <paramref name="account"/> is the normalised e-mail address
    /// as typed, so that an unknown address is throttled exactly like a real one (the throttle reveals nothing).
    /// </summary>
    public async Task<Attempt> TryAttemptAsync(string account, string? clientIp, CancellationToken ct)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        await using var connection = await connections.OpenAsync(ct);
        await PruneIfDueAsync(connection, now, ct);
        var (clientKey, accountClientKey, accountKey) = Keys(account, clientIp);

        if (await CountAsync(connection, clientKey, settings.PerClient, now, ct) is null)
        {
            return new Attempt(SignInThrottleScope.Client, false);
        }

        if (await CountAsync(connection, accountClientKey, settings.PerAccountClient, now, ct) is not { } accountClient)
        {
            return new Attempt(SignInThrottleScope.AccountOnClient, false);
        }

        // The usual client is never held by the per-account counter, which anyone can trigger from elsewhere; it is held
        // by its own per-account-and-client counter.
        var usual = accountClient.LastSuccessAt is { } success && success > now - settings.UsualClientFor;
        if (!usual && await CountAsync(connection, accountKey, settings.PerAccount, now, ct) is null)
        {
            return new Attempt(SignInThrottleScope.Account, false);
        }

        return new Attempt(null, usual);
    }

    /// <summary>
    /// After the right password: the account-on-client counter starts again and marks the client as usual; the client's
    /// and the account's counters take back this attempt's count (an attack from elsewhere keeps its own).
    /// </summary>
    public async Task SucceededAsync(string account, string? clientIp, bool countedOnAccount, CancellationToken ct)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var (clientKey, accountClientKey, accountKey) = Keys(account, clientIp);
        await using var connection = await connections.OpenAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command(
            "UPDATE access.sign_in_throttles SET failures = 0, last_failure_at = NULL, last_success_at = $2, expires_at = greatest(expires_at, $3) WHERE key_hash = $1",
            accountClientKey, now, now + settings.UsualClientFor));
        foreach (var key in countedOnAccount ? new[] { clientKey, accountKey } : [clientKey])
        {
            batch.BatchCommands.Add(Command("UPDATE access.sign_in_throttles SET failures = greatest(failures - 1, 0) WHERE key_hash = $1", key));
        }

        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes the rows that neither slow anyone nor mark a usual client. Runs by itself every few minutes.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await PruneAsync(connection, clock.GetUtcNow(), ct);
    }

    /// <summary>
    /// SHA-256 of each key: the table holds no e-mail address or client address in clear (a guessable key can be
    /// confirmed by guessing; what the hash prevents is a plain list of who tried which account from where).
    /// </summary>
    private static (byte[] Client, byte[] AccountClient, byte[] Account) Keys(string account, string? clientIp)
    {
        var client = string.IsNullOrEmpty(clientIp) ? "unknown" : clientIp;
        return (Hash($"client\n{client}"), Hash($"account-client\n{account}\n{client}"), Hash($"account\n{account}"));
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes("sign-in\n" + key));

    private sealed record Counted(DateTimeOffset? LastSuccessAt);

    /// <summary>Counts one attempt on <paramref name="key"/>; null when the counter's delay is still running.</summary>
    private static async Task<Counted?> CountAsync(NpgsqlConnection connection, byte[] key, SignInThrottleOptions.ThrottleLimit limit, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(AttemptSql, connection);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = key, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit.FreeFailures });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = limit.FirstDelay.TotalSeconds });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = limit.MaxDelay.TotalSeconds });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = limit.ForgetAfter.TotalSeconds });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new Counted(await reader.IsDBNullAsync(0, ct) ? null : reader.GetFieldValue<DateTimeOffset>(0));
    }

    private static NpgsqlBatchCommand Command(string sql, byte[] key, DateTimeOffset? now = null, DateTimeOffset? expires = null)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = key, NpgsqlDbType = NpgsqlDbType.Bytea });
        if (now is { } at && expires is { } until)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = until, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }

        return command;
    }

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
        await using var command = new NpgsqlCommand("DELETE FROM access.sign_in_throttles WHERE expires_at <= $1", connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteNonQueryAsync(ct);
    }
}
