using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using HimPortal.Application.Access;
using HimPortal.Application.Audit.VerifyAuditChain;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HimPortal.Application.Audit.ArchiveAuditMonths;

/// <param name="Folder">Where the archive files go (write-once storage, or a folder copied there).</param>
/// <param name="DryRun">Only say which months would be archived.</param>
public sealed record ArchiveAuditMonthsCommand(string Folder, bool DryRun = false);

public sealed record ArchivedMonth(string Partition, DateTimeOffset From, DateTimeOffset To, long Rows, string File, string Sha256, int Links);

public sealed record ArchiveReport(IReadOnlyList<ArchivedMonth> Archived, DateTimeOffset KeepFrom, int RetentionMonths, bool DryRun);

/// <summary>
/// Retention (docs/adr/0008): months of the audit older than the retention period (Audit:RetentionMonths, never less
/// than 72, the six years of 45 CFR 164.316(b)(2)) are archived one by one, oldest first. For each month, in one
/// transaction of the schema owner: its chain is verified (a tampered month is never archived, which would erase the
/// evidence), its rows are written to a gzip CSV file (fsynced) whose SHA-256 is recorded, the month's rows whose
/// successor lies in a newer month are kept in audit.archive_links so the kept chain still verifies, the archive is
/// recorded in audit.archived_partitions, the partition is detached and dropped, and an audit row says so. Newer months
/// are never touched; the month can never be re-created (audit.ensure_partitions refuses it).
/// </summary>
[RequiresPermission(Permissions.AuditMaintain)]
public sealed class ArchiveAuditMonthsHandler(PermissionCheck permissions, IConfiguration configuration, IOptions<AuditOptions> settings, IAuditActorAccessor actors, TimeProvider clock) : Handler<ArchiveAuditMonthsCommand, Result<ArchiveReport>>(permissions)
{
    public const int MinimumRetentionMonths = 72;

    protected override async Task<Result<ArchiveReport>> ExecuteAsync(ArchiveAuditMonthsCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var retention = Math.Max(MinimumRetentionMonths, settings.Value.RetentionMonths);
        var now = clock.GetUtcNow().UtcDateTime;
        var keepFrom = new DateTimeOffset(new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-retention));
        if (!command.DryRun)
        {
            Directory.CreateDirectory(command.Folder);
        }

        var options = DataServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<HimDbContext>(),
            DataServiceCollectionExtensions.AdminConnectionString(configuration));
        await using var db = new HimDbContext((DbContextOptions<HimDbContext>)options.Options);
        var months = await db.Database.SqlQueryRaw<string>("""
            SELECT c.relname AS "Value"
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'audit.access_events'::regclass
              AND substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''([^'']+)''\)')::timestamptz <= {0}
            ORDER BY c.relname
            """, keepFrom).ToListAsync(ct);

        var archived = new List<ArchivedMonth>();
        foreach (var partition in months)
        {
            var result = await ArchiveAsync(db, partition, command, ct);
            if (!result.IsSuccess)
            {
                return result.Error!;
            }

            archived.Add(result.Value!);
        }

        return Result<ArchiveReport>.Success(new ArchiveReport(archived, keepFrom, retention, command.DryRun));
    }

    private async Task<Result<ArchivedMonth>> ArchiveAsync(HimDbContext db, string partition, ArchiveAuditMonthsCommand command, CancellationToken ct)
    {
        var month = DateTime.ParseExact(partition["access_events_".Length..], "yyyy_MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        var from = new DateTimeOffset(month, TimeSpan.Zero);
        var to = from.AddMonths(1);
        if (!System.Text.RegularExpressions.Regex.IsMatch(partition, "^access_events_[0-9]{4}_[0-9]{2}$"))
        {
            return new Error(ErrorKind.Invalid, "not-a-month", $"{partition} is not a monthly partition of the audit.");
        }

        // The name comes from pg_class and matched the pattern above: safe to put into the DDL below.
        var quoted = "audit." + partition;
        var report = await VerifyAuditChainHandler.VerifyAsync(db, new VerifyAuditChainQuery(from, to), null, ct);
        if (!report.Intact)
        {
            return new Error(ErrorKind.Conflict, "broken-month",
                $"{partition} does not verify ({report.FirstBreak!.Problem}, row {report.FirstBreak.RowId}): it is not archived. Investigate it first.");
        }

        var file = Path.Combine(command.Folder, partition + ".csv.gz");
        if (command.DryRun)
        {
            return Result<ArchivedMonth>.Success(new ArchivedMonth(partition, from, to, report.RowsChecked, file, "", 0));
        }

        return await db.InTransactionAsync<Result<ArchivedMonth>>(async token =>
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            byte[] sha;
            await using (var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.WriteThrough))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using (var gzip = new GZipStream(new HashingStream(stream, hash), CompressionLevel.Optimal, leaveOpen: true))
                await using (var writer = new StreamWriter(gzip))
                using (var copy = await connection.BeginTextExportAsync(
                           $"COPY (SELECT * FROM {quoted} ORDER BY lane, lane_seq) TO STDOUT WITH (FORMAT csv, HEADER)", token))
                {
                    var buffer = new char[1 << 16];
                    int read;
                    while ((read = await copy.ReadAsync(buffer, token)) > 0)
                    {
                        await writer.WriteAsync(buffer.AsMemory(0, read), token);
                    }
                }

                await stream.FlushAsync(token);
                stream.Flush(flushToDisk: true);
                sha = hash.GetHashAndReset();
            }

            var archivedAt = clock.GetUtcNow();
            var by = actors.Current.UserName ?? "unknown";
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO audit.archived_partitions (partition_name, range_from, range_to, rows, file_sha256, file_name, archived_at, archived_by)
                VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7})
                """, [partition, from, to, report.RowsChecked, sha, Path.GetFileName(file), archivedAt, by], token);

            // The month's rows whose successor is not in the month: the chain of what is kept links to them.
            var linksSql = $$"""
                INSERT INTO audit.archive_links (lane, lane_seq, hash, partition_name)
                SELECT p.lane, p.lane_seq, p.hash, {0} FROM {{quoted}} p
                WHERE NOT EXISTS (SELECT 1 FROM {{quoted}} q WHERE q.lane = p.lane AND q.lane_seq = p.lane_seq + 1)
                ON CONFLICT DO NOTHING
                """;
            var links = await db.Database.ExecuteSqlRawAsync(linksSql, [partition], token);

            var detach = "ALTER TABLE audit.access_events DETACH PARTITION " + quoted;
            var drop = "DROP TABLE " + quoted;
            await db.Database.ExecuteSqlRawAsync(detach, token);
            await db.Database.ExecuteSqlRawAsync(drop, token);
            await new AccessAudit(db, actors, clock).RecordAsync(new AuditRecord(AuditAction.Delete, AuditOutcome.Success, "AuditPartition", partition,
                Details: $"archived after retention; rows={report.RowsChecked}; file={Path.GetFileName(file)}; sha256={Convert.ToHexStringLower(sha)}; links kept={links}"), token);
            return Result<ArchivedMonth>.Success(new ArchivedMonth(partition, from, to, report.RowsChecked, file, Convert.ToHexStringLower(sha), links));
        }, ct);
    }

    /// <summary>Hashes the bytes as they are written, so the recorded SHA-256 is of exactly the file on disk.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            hash.AppendData(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
