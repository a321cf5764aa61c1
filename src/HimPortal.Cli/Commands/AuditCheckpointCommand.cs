using System.CommandLine;
using HimPortal.Application.Audit.Checkpoints;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Cli.Commands;

internal static partial class AuditCommand
{
    /// <summary>A checkpoint now, as the hourly job takes them (docs/adr/0020): before a maintenance window, or to test the settings.</summary>
    private static Command Checkpoint(Func<IConfiguration> configuration)
    {
        var checkpoint = new Command("checkpoint",
            "Sign the audit's lane heads and write them to Audit:Checkpoints:Directory (outside the database). Exits 1 when the last checkpoint no longer holds.");
        checkpoint.SetAction(async (_, ct) =>
        {
            await using var services = CliHost.Services(configuration());
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<WriteAuditCheckpointHandler>().HandleAsync(new WriteAuditCheckpointCommand(), ct);
            if (!result.IsSuccess)
            {
                await Console.Error.WriteLineAsync("error: " + result.Error!.Message);
                return 1;
            }

            var written = result.Value!;
            Console.WriteLine($"Checkpoint {written.Number} written: {written.File}");
            if (written.Problem is { } problem)
            {
                await Console.Error.WriteLineAsync("Audit chain BROKEN: it no longer agrees with the last checkpoint: " + problem + ".");
                return 1;
            }

            return 0;
        });
        return checkpoint;
    }
}
