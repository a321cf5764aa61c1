using HimPortal.Application.Audit;
using HimPortal.Application.Audit.VerifyAuditChain;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Audit;
using HimPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Tests.Audit;

/// <summary>
/// Finding 3 of issue 14: the time and the order of an audit row are the database's, never the caller's. The application
/// may say who acts and why (it is trusted to), but not when: audit.append stamps the time itself, under the lane's lock,
/// and the verifier refuses a lane whose times go backwards.
/// </summary>
public sealed class AuditTimeTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await using var services = _database.Services();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await using var scope = services.CreateAsyncScope();
                await AccessAuditTests.RecordAsync(scope.ServiceProvider, "view");
            }
        })));
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    private async Task<AuditChainReport> VerifyAsync()
    {
        await using var services = _database.Services();
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<VerifyAuditChainHandler>()
            .HandleAsync(new VerifyAuditChainQuery(), CancellationToken.None)).Value!;
    }

    private async Task<DateTimeOffset> DatabaseNowAsync() => new(await _database.ScalarAsync<DateTime>("SELECT clock_timestamp()"), TimeSpan.Zero);

    /// <summary>
    /// The attack as reported: the application's login calls audit.append itself, with a January time, a forged user and
    /// purpose and a digest that matches them, and `audit verify` said "intact".
    /// </summary>
    [Fact]
    public async Task The_application_role_cannot_write_a_back_dated_row()
    {
        var january = new DateTimeOffset(DateTime.UtcNow.Year, 1, 15, 9, 30, 0, TimeSpan.Zero);
        var forged = new AccessEvent
        {
            Id = Guid.CreateVersion7(january),
            OccurredAt = january,
            UserId = Guid.NewGuid(),
            UserName = "dr.forged@example.org",
            Roles = ["Physician"],
            Action = AuditAction.View,
            Outcome = AuditOutcome.Success,
            PatientId = Guid.NewGuid(),
            ResourceType = "Chart",
            Purpose = "TREAT",
            Details = "sections=problems; basis=treatment-relationship",
            ClientIp = "10.9.9.9",
            UserAgent = "forger",
            CorrelationId = "forged",
            PrevHash = [],
            Hash = [],
        };

        await using (var connection = new NpgsqlConnection(_database.AppConnectionString))
        {
            await connection.OpenAsync();
            await using var append = new NpgsqlCommand(
                "SELECT * FROM audit.append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)", connection);
            append.Parameters.Add(new NpgsqlParameter { Value = forged.Id, NpgsqlDbType = NpgsqlDbType.Uuid });
            append.Parameters.Add(new NpgsqlParameter { Value = forged.OccurredAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            append.Parameters.Add(new NpgsqlParameter { Value = forged.UserId, NpgsqlDbType = NpgsqlDbType.Uuid });
            append.Parameters.Add(new NpgsqlParameter { Value = forged.UserName, NpgsqlDbType = NpgsqlDbType.Varchar });
            append.Parameters.Add(new NpgsqlParameter { Value = forged.Roles, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            append.Parameters.Add(new NpgsqlParameter { Value = forged.Action, NpgsqlDbType = NpgsqlDbType.Varchar });
            append.Parameters.Add(new NpgsqlParameter { Value = forged.Outcome, NpgsqlDbType = NpgsqlDbType.Varchar });
            append.Parameters.Add(new NpgsqlParameter { Value = forged.PatientId, NpgsqlDbType = NpgsqlDbType.Uuid });
            append.Parameters.Add(new NpgsqlParameter { Value = forged.ResourceType, NpgsqlDbType = NpgsqlDbType.Varchar });
            append.Parameters.Add(new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
            append.Parameters.Add(new NpgsqlParameter { Value = forged.Purpose, NpgsqlDbType = NpgsqlDbType.Varchar });
            append.Parameters.Add(new NpgsqlParameter { Value = forged.Details, NpgsqlDbType = NpgsqlDbType.Varchar });
            append.Parameters.Add(new NpgsqlParameter { Value = forged.ClientIp, NpgsqlDbType = NpgsqlDbType.Varchar });
            append.Parameters.Add(new NpgsqlParameter { Value = forged.UserAgent, NpgsqlDbType = NpgsqlDbType.Varchar });
            append.Parameters.Add(new NpgsqlParameter { Value = forged.CorrelationId, NpgsqlDbType = NpgsqlDbType.Varchar });
            append.Parameters.Add(new NpgsqlParameter { Value = AuditChain.ContentDigest(forged), NpgsqlDbType = NpgsqlDbType.Bytea });
            append.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 0 });
            append.Parameters.Add(new NpgsqlParameter<int> { TypedValue = AuditChain.Lanes });
            try
            {
                await append.ExecuteNonQueryAsync();
            }
            catch (PostgresException)
            {
                // Refused outright: no append path of the application's role takes a time.
            }
        }

        var backDated = await _database.ScalarAsync<long>(
            "SELECT count(*) FROM audit.access_events WHERE user_name = 'dr.forged@example.org' AND occurred_at < now() - interval '1 minute'");
        backDated.ShouldBe(0, "the application's role stored a row dated in January");
        (await VerifyAsync()).Intact.ShouldBeTrue();
    }

    [Fact]
    public async Task No_function_the_application_role_may_call_takes_a_time()
    {
        var timed = await _database.ScalarAsync<string>($"""
            SELECT coalesce(string_agg(p.oid::regprocedure::text, ', '), '') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'audit' AND has_function_privilege('{PostgresServer.AppRole}', p.oid, 'EXECUTE')
              AND 'timestamp with time zone'::regtype::oid = ANY (p.proargtypes::oid[])
            """);
        timed.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_row_carries_the_database_time_whatever_the_application_clock_says()
    {
        var clock = new TestClock();
        clock.Set(new DateTimeOffset(DateTime.UtcNow.Year, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var services = _database.Services(clock: clock);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AccessAudit>();

        var before = await DatabaseNowAsync();
        var written = await db.InTransactionAsync(ct => audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Test"), ct),
            CancellationToken.None);
        var after = await DatabaseNowAsync();

        written.OccurredAt.ShouldBeInRange(before, after);
        var stored = await db.AccessEvents.AsNoTracking().SingleAsync(e => e.Id == written.Id);
        stored.OccurredAt.ShouldBe(written.OccurredAt);
        stored.Hash.ShouldBe(written.Hash);
        stored.Hash.ShouldBe(AuditChain.ComputeHash(stored));
    }

    [Fact]
    public async Task Within_a_lane_time_never_goes_backwards_even_with_concurrent_writers()
    {
        var backwards = await _database.ScalarAsync<long>("""
            SELECT count(*) FROM (
              SELECT occurred_at < lag(occurred_at) OVER (PARTITION BY lane ORDER BY lane_seq) AS back FROM audit.access_events
            ) s WHERE back
            """);
        backwards.ShouldBe(0);
        (await VerifyAsync()).Intact.ShouldBeTrue();
    }

    /// <summary>A superuser moves a row an hour before the row it follows and recomputes the lane: its time went backwards.</summary>
    [Fact]
    public async Task A_row_moved_back_in_time_and_rechained_is_named()
    {
        var lane = await _database.ScalarAsync<short>("SELECT lane FROM audit.lane_heads WHERE lane_seq >= 4 ORDER BY lane LIMIT 1");
        var victim = await _database.ScalarAsync<Guid>($"SELECT id FROM audit.access_events WHERE lane = {lane} AND lane_seq = 3");
        await _database.TamperAsync($"""
            UPDATE audit.access_events SET occurred_at = (SELECT occurred_at - interval '1 hour' FROM audit.access_events WHERE lane = {lane} AND lane_seq = 2)
            WHERE lane = {lane} AND lane_seq = 3
            """);
        await _database.RechainLaneAsync(lane, 3);

        var report = await VerifyAsync();
        report.Intact.ShouldBeFalse();
        report.Breaks.ShouldContain(b => b.Lane == lane && b.RowId == victim && b.Problem.Contains("earlier than the row before it"),
            string.Join("; ", report.Breaks.Select(b => b.Problem)));
    }
}
