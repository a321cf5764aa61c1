using System.CommandLine;
using System.Globalization;
using HimPortal.Application.Audit.VerifyAuditChain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Cli.Commands;

internal static partial class AuditCommand
{
    public static Command Create(Func<IConfiguration> configuration) =>
        new("audit", "Work with the access audit.") { Verify(configuration), Checkpoint(configuration), Generate(configuration), Archive(configuration) };

    private static Command Verify(Func<IConfiguration> configuration)
    {
        var from = new Option<DateOnly?>("--from") { Description = "Check only rows from this day (UTC, yyyy-mm-dd), and their links to the rows before." };
        var to = new Option<DateOnly?>("--to") { Description = "Check only rows up to and including this day (UTC)." };
        var verify = new Command("verify",
            "Recompute the access audit's hash chain. Exits 0 when it is intact; otherwise 1, naming the first bad row.") { from, to };
        verify.SetAction(async (parse, ct) =>
        {
            var fromDay = parse.GetValue(from);
            var toDay = parse.GetValue(to);
            if (fromDay > toDay)
            {
                await Console.Error.WriteLineAsync("error: --from is after --to.");
                return 1;
            }

            await using var services = CliHost.Services(configuration());
            await using var scope = services.CreateAsyncScope();
            var progress = new Progress<long>(rows => Console.Error.WriteLine($"... {rows:N0} rows checked"));
            var query = new VerifyAuditChainQuery(
                fromDay is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
                toDay is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
                progress);
            var verified = await scope.ServiceProvider.GetRequiredService<VerifyAuditChainHandler>().HandleAsync(query, ct);
            if (verified.Error is { } refused)
            {
                await Console.Error.WriteLineAsync("error: " + refused.Message);
                return 1;
            }

            var report = verified.Value!;
            var scopeText = query.IsWholeChain ? "" : $" from {fromDay?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "the start"} to {toDay?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "now"}";
            if (report.Intact)
            {
                Console.WriteLine($"Audit chain intact: {report.RowsChecked} row(s) in {report.LanesSeen} lane(s){scopeText}"
                                  + (report.Checkpoints is { } n ? $", held to {n} signed checkpoint(s)." : "."));
                if (query.IsWholeChain && report.Checkpoints is null)
                {
                    // Without outside anchors a rewrite by the database's owner or a superuser verifies (docs/adr/0020).
                    await Console.Error.WriteLineAsync("warning: no audit checkpoints are configured (Audit:Checkpoints): a rewrite by the database's owner would go unseen.");
                }

                return 0;
            }

            var first = report.FirstBreak!;
            await Console.Error.WriteLineAsync(
                $"Audit chain BROKEN at row {first.RowId} (lane {first.Lane}, sequence {first.LaneSeq}, {first.OccurredAt.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff} UTC): {first.Problem}.");
            if (report.Breaks.Count > 1)
            {
                await Console.Error.WriteLineAsync($"{report.Breaks.Count} lane(s) are broken; {report.RowsChecked} row(s) checked.");
            }

            return 1;
        });
        return verify;
    }
}
