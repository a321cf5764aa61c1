using System.CommandLine;
using HimPortal.Application.Auditing.VerifyAuditChain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Cli.Commands;

internal static class AuditCommand
{
    public static Command Create(Func<IConfiguration> configuration)
    {
        var verify = new Command("verify",
            "Recompute the access audit's hash chain. Exits 0 when it is intact; otherwise 1, naming the first bad row.");
        verify.SetAction(async (_, ct) =>
        {
            await using var services = CliHost.Services(configuration());
            await using var scope = services.CreateAsyncScope();
            var report = await scope.ServiceProvider.GetRequiredService<VerifyAuditChainHandler>().HandleAsync(new VerifyAuditChainQuery(), ct);
            if (report.Intact)
            {
                Console.WriteLine($"Audit chain intact: {report.RowsChecked} row(s) in {report.LanesSeen} lane(s).");
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

        return new Command("audit", "Work with the access audit.") { verify };
    }
}
