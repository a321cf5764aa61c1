using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using HimPortal.Application.Audit;
using HimPortal.Application.Audit.VerifyAuditChain;
using HimPortal.Data.Audit;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HimPortal.Tests.Audit;

/// <summary>
/// The audit partitioned by month keeps every guarantee of the single table: append-only for everyone, one chain whose
/// heads audit.append moves, and a verifier that finds removed, altered, forked and extra rows, for the whole chain or a
/// range of it.
/// </summary>
public sealed class PartitionedAuditTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await using var services = _database.Services();
        for (var i = 0; i < 64; i++)
        {
            await using var scope = services.CreateAsyncScope();
            await AccessAuditTests.RecordAsync(scope.ServiceProvider, "view");
        }
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    /// <summary>A database of its own (the test tampers with it) holding <paramref name="rows"/> audit rows.</summary>
    private static async Task<TestDatabase> DatabaseWithRowsAsync(int rows)
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        await using var services = database.Services();
        for (var i = 0; i < rows; i++)
        {
            await using var scope = services.CreateAsyncScope();
            await AccessAuditTests.RecordAsync(scope.ServiceProvider, "view");
        }

        return database;
    }

    private Task<AuditChainReport> VerifyAsync(DateTimeOffset? from = null, DateTimeOffset? to = null) => VerifyAsync(_database, from, to);

    private static async Task<AuditChainReport> VerifyAsync(TestDatabase database, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<VerifyAuditChainHandler>()
            .HandleAsync(new VerifyAuditChainQuery(from, to), CancellationToken.None)).Value!;
    }

    [Fact]
    public async Task Rows_land_in_the_partition_of_their_month()
    {
        var month = DateTime.UtcNow.ToString("yyyy_MM", System.Globalization.CultureInfo.InvariantCulture);
        var here = await _database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events_{month}");
        here.ShouldBeGreaterThanOrEqualTo(64);
        var partitions = await _database.ScalarAsync<long>(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'audit.access_events'::regclass");
        partitions.ShouldBeGreaterThanOrEqualTo(15, "a year back and three months ahead");
    }

    [Fact]
    public async Task The_application_role_cannot_insert_beside_the_chain()
    {
        var error = await Should.ThrowAsync<PostgresException>(() => _database.ExecuteAsync(
            "INSERT INTO audit.access_events SELECT * FROM audit.access_events LIMIT 1", _database.AppConnectionString));
        error.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        var heads = await Should.ThrowAsync<PostgresException>(() => _database.ExecuteAsync(
            "UPDATE audit.lane_heads SET lane_seq = 0", _database.AppConnectionString));
        heads.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Theory]
    [InlineData("DELETE FROM audit.access_events_{0}", "DELETE")]
    [InlineData("UPDATE audit.access_events_{0} SET outcome = 'error'", "UPDATE")]
    [InlineData("TRUNCATE audit.access_events_{0}", "TRUNCATE")]
    public async Task The_owner_is_stopped_at_a_partition_named_directly(string sql, string operation)
    {
        var month = DateTime.UtcNow.ToString("yyyy_MM", System.Globalization.CultureInfo.InvariantCulture);
        var error = await Should.ThrowAsync<PostgresException>(() =>
            _database.ExecuteAsync(sql.Replace("{0}", month, StringComparison.Ordinal), _database.OwnerConnectionString));
        error.MessageText.ShouldBe($"audit.access_events is append-only: {operation} is not allowed");
    }

    [Fact]
    public async Task A_partition_for_a_month_is_created_once_and_never_for_an_archived_month()
    {
        (await _database.ScalarAsync<int>("SELECT audit.ensure_partitions(current_date, current_date)", _database.AppConnectionString)).ShouldBe(0);
        var tooFar = await Should.ThrowAsync<PostgresException>(() => _database.ExecuteAsync(
            "SELECT audit.ensure_partitions(current_date, (current_date + interval '5 years')::date)", _database.AppConnectionString));
        tooFar.MessageText.ShouldContain("two years ahead");
    }

    [Fact]
    public async Task Each_lane_head_is_the_newest_row_of_its_lane()
    {
        var mismatched = await _database.ScalarAsync<long>("""
            SELECT count(*) FROM audit.lane_heads h
            WHERE h.lane_seq <> coalesce((SELECT max(lane_seq) FROM audit.access_events e WHERE e.lane = h.lane), 0)
               OR h.hash <> coalesce((SELECT e.hash FROM audit.access_events e WHERE e.lane = h.lane ORDER BY e.lane_seq DESC LIMIT 1), h.hash)
            """);
        mismatched.ShouldBe(0);
        (await VerifyAsync()).Intact.ShouldBeTrue();
    }

    [Fact]
    public async Task Removing_the_newest_rows_of_a_lane_is_detected_by_its_head()
    {
        await using var database = await DatabaseWithRowsAsync(40);

        var lane = await database.ScalarAsync<short>("SELECT lane FROM audit.lane_heads WHERE lane_seq >= 2 ORDER BY lane LIMIT 1");
        await database.TamperAsync($"DELETE FROM audit.access_events WHERE lane = {lane} AND lane_seq = (SELECT lane_seq FROM audit.lane_heads WHERE lane = {lane})");

        var report = await VerifyAsync(database);
        report.Intact.ShouldBeFalse();
        report.Breaks.ShouldContain(b => b.Lane == lane && b.Problem.Contains("newest row(s) missing"));
    }

    [Fact]
    public async Task A_range_is_verified_with_its_links_to_the_rows_before_it()
    {
        var middle = await _database.ScalarAsync<DateTime>(
            "SELECT occurred_at FROM audit.access_events ORDER BY occurred_at OFFSET 32 LIMIT 1");
        var from = new DateTimeOffset(middle, TimeSpan.Zero);
        var report = await VerifyAsync(from, from.AddDays(1));
        report.Intact.ShouldBeTrue(report.FirstBreak?.Problem);
        report.RowsChecked.ShouldBeInRange(30, 40);
    }

    [Fact]
    public async Task A_copied_row_claiming_a_place_already_taken_is_named_as_a_fork()
    {
        await using var database = await DatabaseWithRowsAsync(40);

        // An exact copy (new id) of a row in the middle of a lane: its link is valid, but its place is taken.
        var lane = await database.ScalarAsync<short>("SELECT lane FROM audit.access_events WHERE lane_seq = 3 ORDER BY lane LIMIT 1");
        var copy = Guid.CreateVersion7();
        await database.TamperAsync($"""
            INSERT INTO audit.access_events (id, occurred_at, user_id, user_name, roles, action, outcome, patient_id, resource_type,
                resource_id, purpose, details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash)
            SELECT '{copy}', occurred_at, user_id, user_name, roles, action, outcome, patient_id, resource_type, resource_id, purpose,
                   details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash
            FROM audit.access_events WHERE lane = {lane} AND lane_seq = 2
            """);

        var report = await VerifyAsync(database);
        report.Intact.ShouldBeFalse();
        report.Breaks.ShouldContain(b => b.Lane == lane && b.Problem.Contains("forked"));
    }

    [Fact]
    public void The_single_buffer_digest_is_byte_for_byte_the_original_encoding()
    {
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var row = new AccessEvent
            {
                Id = Guid.CreateVersion7(),
                // The Foundation's encoding is format 2's: the writer's time inside the digest.
                Format = AccessEvent.WriterTimedFormat,
                OccurredAt = DateTimeOffset.UtcNow.AddSeconds(-random.Next(1_000_000)),
                UserId = i % 3 == 0 ? null : Guid.NewGuid(),
                UserName = i % 5 == 0 ? null : "dr.müller" + i,
                Roles = [.. Enumerable.Range(0, i % 3).Select(r => "Role" + r)],
                Action = "view",
                Outcome = "success",
                PatientId = i % 2 == 0 ? Guid.NewGuid() : null,
                ResourceType = "Chart",
                ResourceId = i % 4 == 0 ? null : "résumé-" + i,
                Purpose = "TREAT",
                Details = new string('x', random.Next(0, 3000)) + "🚑",
                ClientIp = "10.0.0.1",
                UserAgent = i % 7 == 0 ? null : "agent",
                CorrelationId = "c" + i,
                PrevHash = [],
                Hash = [],
            };
            AuditChain.ContentDigest(row).ShouldBe(ReferenceDigest(row));
        }
    }

    /// <summary>The Foundation's incremental encoding, kept here so a faster implementation can never change a hash.</summary>
    private static byte[] ReferenceDigest(AccessEvent row)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[8];
        hash.AppendData([2]);
        Append(hash, row.Id.ToString("D"));
        var micros = (AuditChain.ToStoredPrecision(row.OccurredAt).Ticks - DateTimeOffset.UnixEpoch.Ticks) / 10;
        BinaryPrimitives.WriteInt64BigEndian(buffer, micros);
        hash.AppendData(buffer);
        Append(hash, row.UserId?.ToString("D"));
        Append(hash, row.UserName);
        BinaryPrimitives.WriteInt32BigEndian(buffer, row.Roles.Length);
        hash.AppendData(buffer[..4]);
        foreach (var role in row.Roles)
        {
            Append(hash, role);
        }

        foreach (var value in new[] { row.Action, row.Outcome, row.PatientId?.ToString("D"), row.ResourceType, row.ResourceId, row.Purpose,
                     row.Details, row.ClientIp, row.UserAgent, row.CorrelationId })
        {
            Append(hash, value);
        }

        return hash.GetHashAndReset();

        static void Append(IncrementalHash hash, string? value)
        {
            Span<byte> length = stackalloc byte[4];
            if (value is null)
            {
                BinaryPrimitives.WriteInt32BigEndian(length, -1);
                hash.AppendData(length);
                return;
            }

            var bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }
    }
}
