using System.IO.Compression;
using System.Security.Cryptography;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HimPortal.Tests.Cli;

/// <summary>
/// Retention: `himportal audit archive` takes out only months older than six years, into a file whose hash it records,
/// keeps the links the newer months need, and the chain of what is kept still verifies.
/// </summary>
public sealed class AuditArchiveTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "himportal-archive-" + Guid.NewGuid().ToString("N"));
    private readonly DateTimeOffset _old = new(DateTime.UtcNow.Year - 7, 3, 10, 12, 0, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        var month = _old.ToString("yyyy-MM-01", System.Globalization.CultureInfo.InvariantCulture);
        await _database.ExecuteAsync($"SELECT audit.ensure_partitions('{month}', '{month}')", _database.AppConnectionString);
        // 24 rows of seven years ago (history, as the owner writes it: the application cannot back-date), then 16 of now.
        for (var i = 0; i < 24; i++)
        {
            await _database.WriteAsync(_old.AddMinutes(i), new AuditRecord(AuditAction.View, AuditOutcome.Success, "Test"),
                new AuditActor(null, "history", ["Test"], null, null, null));
        }

        await using var services = _database.Services();
        for (var i = 24; i < 40; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
            await db.InTransactionAsync(ct => scope.ServiceProvider.GetRequiredService<AccessAudit>()
                .RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Test"), ct), CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_month_past_retention_is_archived_to_a_checked_file_and_the_kept_chain_still_verifies()
    {
        var partition = "access_events_" + _old.ToString("yyyy_MM", System.Globalization.CultureInfo.InvariantCulture);
        var dry = await CliRunner.RunAsync(_database, null, "audit", "archive", "--to", _folder, "--dry-run");
        dry.ExitCode.ShouldBe(0, dry.Error);
        dry.Output.ShouldContain($"Would archive {partition}: 24 row(s)");
        (await _database.ScalarAsync<long>($"SELECT count(*) FROM audit.{partition}")).ShouldBe(24);

        var run = await CliRunner.RunAsync(_database, null, "audit", "archive", "--to", _folder);

        run.ExitCode.ShouldBe(0, run.Error);
        run.Output.ShouldContain($"Archived {partition}: 24 row(s)");
        (await _database.ScalarAsync<long>($"SELECT count(*) FROM pg_class WHERE relname = '{partition}'")).ShouldBe(0);
        var file = Path.Combine(_folder, partition + ".csv.gz");
        var recorded = await _database.ScalarAsync<byte[]>($"SELECT file_sha256 FROM audit.archived_partitions WHERE partition_name = '{partition}'");
        recorded.ShouldBe(SHA256.HashData(await File.ReadAllBytesAsync(file)));
        await using (var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress))
        using (var reader = new StreamReader(gzip))
        {
            (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1 + 24);
        }

        (await _database.ScalarAsync<long>("SELECT count(*) FROM audit.archive_links")).ShouldBeGreaterThan(0);
        var verify = await CliRunner.RunAsync(_database, null, "audit", "verify");
        verify.ExitCode.ShouldBe(0, verify.Error);
        verify.Output.ShouldContain("Audit chain intact: 17 row(s)", Case.Sensitive, "16 recent rows and the archive's own audit row");
        var reopen = await Should.ThrowAsync<PostgresException>(() => _database.ExecuteAsync(
            $"SELECT audit.ensure_partitions('{_old:yyyy-MM-01}', '{_old:yyyy-MM-01}')", _database.AppConnectionString));
        reopen.MessageText.ShouldContain("was archived");

        var again = await CliRunner.RunAsync(_database, null, "audit", "archive", "--to", _folder);
        again.Output.ShouldContain("Nothing to archive");
    }
}
