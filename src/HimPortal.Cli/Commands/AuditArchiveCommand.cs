using System.CommandLine;
using HimPortal.Application.Audit.ArchiveAuditMonths;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Cli.Commands;

internal static partial class AuditCommand
{
    private static Command Archive(Func<IConfiguration> configuration)
    {
        var folder = new Option<string>("--to") { Description = "Folder for the archive files (one gzip CSV per month).", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only list the months that would be archived." };
        var archive = new Command("archive",
            "Archive the audit months older than the retention period (Audit:RetentionMonths, at least 72): verify, copy out, record, detach. Uses the schema owner's connection.")
        {
            folder, dryRun,
        };
        archive.SetAction(async (parse, ct) =>
        {
            await using var services = CliHost.Services(configuration());
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<ArchiveAuditMonthsHandler>()
                .HandleAsync(new ArchiveAuditMonthsCommand(parse.GetValue(folder)!, parse.GetValue(dryRun)), ct);
            if (!result.IsSuccess)
            {
                await Console.Error.WriteLineAsync("error: " + result.Error!.Message);
                return 1;
            }

            var report = result.Value!;
            if (report.Archived.Count == 0)
            {
                Console.WriteLine($"Nothing to archive: every month from {report.KeepFrom:yyyy-MM} on is kept ({report.RetentionMonths} months of retention).");
                return 0;
            }

            foreach (var month in report.Archived)
            {
                Console.WriteLine(report.DryRun
                    ? $"Would archive {month.Partition}: {month.Rows} row(s) to {month.File}."
                    : $"Archived {month.Partition}: {month.Rows} row(s) to {month.File} (SHA-256 {month.Sha256}); {month.Links} chain link(s) kept.");
            }

            return 0;
        });
        return archive;
    }
}
