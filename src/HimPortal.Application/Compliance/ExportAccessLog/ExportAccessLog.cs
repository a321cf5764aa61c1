using System.Globalization;
using System.Text;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.AccessLog;
using HimPortal.Data.Audit;

namespace HimPortal.Application.Compliance.ExportAccessLog;

/// <param name="OpenOutput">Called once the export is allowed and audited, with the file name; returns where to write.</param>
public sealed record ExportAccessLogCommand(AccessLogFilter Filter, Func<string, Stream> OpenOutput);

/// <summary>What was exported: the closing line of the file says the same, so the file can be checked against the chain later.</summary>
public sealed record AccessLogExport(long Rows, Guid? LastRowId, short? LastLane, long? LastSeq, string? LastHash, bool Completed);

public sealed class ExportAccessLogValidator : AbstractValidator<ExportAccessLogCommand>
{
    public ExportAccessLogValidator() => RuleFor(c => c.Filter).NotNull().SetValidator(new AccessLogFilterValidator());
}

/// <summary>
/// Streams the access log as CSV, newest first, in constant memory: rows go from PostgreSQL's result stream through one
/// reused line buffer to the output, flushed every few hundred rows, however many there are (a patient's six years).
/// <para>
/// An export is a disclosure of the log itself, so it is audited twice: an "export" row commits before the first byte
/// leaves (no data without an audit row, even if the download is cut), and a second one when it ends, with the number
/// of rows and the id and hash of the last row, or "interrupted" and how far it got. The file's closing line carries
/// the same last-row hash, which the tamper-evidence page checks against the chain.
/// </para>
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class ExportAccessLogHandler(
    PermissionCheck permissions,
    AccessLogReader reader,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<ExportAccessLogCommand> validator,
    TimeProvider clock) : Handler<ExportAccessLogCommand, Result<AccessLogExport>>(permissions)
{
    private const int FlushEvery = 500;

    protected override async Task<Result<AccessLogExport>> ExecuteAsync(ExportAccessLogCommand command, CancellationToken ct)
    {
        var openOutput = command.OpenOutput;
        var actor = actors.Current;

        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var filter = command.Filter;
        var started = await audit.RecordAloneAsync(new AuditRecord(AuditAction.Export, AuditOutcome.Success, "AccessLog",
            PatientId: filter.PatientId, Details: "csv started; " + filter.Describe()), ct);
        var fileName = $"access-log-{started.OccurredAt.UtcDateTime:yyyyMMdd-HHmmss}.csv";

        long rows = 0;
        AccessLogRow? last = null;
        var completed = false;
        try
        {
            var output = openOutput(fileName);
            await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
            await writer.WriteLineAsync(AccessLogCsv.Header);
            var line = new StringBuilder(1024);
            // Rows up to the export's own audit row: the file is a fixed picture of the log at that instant.
            await foreach (var row in reader.StreamAsync(filter, started.OccurredAt, ct))
            {
                line.Clear();
                AccessLogCsv.AppendRow(line, row);
                await writer.WriteLineAsync(line, ct);
                rows++;
                last = row;
                if (rows % FlushEvery == 0)
                {
                    await writer.FlushAsync(ct);
                }
            }

            await writer.WriteLineAsync(ClosingLine(rows, last, started, actor));
            await writer.FlushAsync(ct);
            completed = true;
        }
        finally
        {
            // Also when the download was cut or failed: the log says how far it got. Not cancellable: it must be written.
            await audit.RecordAloneAsync(new AuditRecord(AuditAction.Export, completed ? AuditOutcome.Success : AuditOutcome.Error, "AccessLog",
                PatientId: filter.PatientId,
                Details: (completed ? "csv completed" : "csv interrupted") + $"; export={started.Id:D}; rows={rows}"
                         + (last is null ? "" : $"; last-row={last.Id:D}; last-hash={Convert.ToHexStringLower(last.Hash)}")), CancellationToken.None);
        }

        return Result<AccessLogExport>.Success(new AccessLogExport(rows, last?.Id, last?.Lane, last?.LaneSeq,
            last is null ? null : Convert.ToHexStringLower(last.Hash), completed));
    }

    private string ClosingLine(long rows, AccessLogRow? last, AccessEvent started, AuditActor actor)
    {
        var at = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var who = actor.UserName ?? "unknown";
        return last is null
            ? $"# end of export {started.Id:D}: 0 rows; exported {at} by {who}"
            : $"# end of export {started.Id:D}: {rows} rows; last row {last.Id:D} lane {last.Lane} sequence {last.LaneSeq} hash {Convert.ToHexStringLower(last.Hash)}; exported {at} by {who}";
    }
}
