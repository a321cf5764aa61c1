using System.CommandLine;
using HimPortal.Data;
using Microsoft.Extensions.Configuration;

namespace HimPortal.Cli.Commands;

internal static class MigrateCommand
{
    public static Command Create(Func<IConfiguration> configuration)
    {
        var command = new Command("migrate",
            "Apply the database migrations, the audit table's append-only triggers and the application role's grants. " +
            "Connects with ConnectionStrings:HimPortalAdmin (the schema owner), falling back to ConnectionStrings:HimPortal.");
        command.SetAction(async (_, ct) =>
        {
            var config = configuration();
            var outcome = await DatabaseMigrator.MigrateAsync(
                DataServiceCollectionExtensions.AdminConnectionString(config),
                DataServiceCollectionExtensions.RequireConnectionString(config),
                ct);
            Console.WriteLine(outcome.Applied.Count == 0
                ? "Schema is up to date."
                : $"Applied {outcome.Applied.Count} migration(s): {string.Join(", ", outcome.Applied)}.");
            if (outcome.ApplicationRole is not null)
            {
                Console.WriteLine($"Granted role {outcome.ApplicationRole}: read and write on working tables, append and read on the access audit.");
            }

            if (outcome.Warning is not null)
            {
                await Console.Error.WriteLineAsync("warning: " + outcome.Warning);
            }

            return 0;
        });
        return command;
    }
}
