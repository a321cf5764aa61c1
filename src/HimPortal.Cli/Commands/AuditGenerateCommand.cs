using System.CommandLine;
using System.Globalization;
using HimPortal.Application.Audit.GenerateAuditRows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Cli.Commands;

internal static partial class AuditCommand
{
    private static Command Generate(Func<IConfiguration> configuration)
    {
        var rows = new Option<long>("--rows") { Description = "How many synthetic audit rows to write.", Required = true };
        var patients = new Option<int>("--patients") { Description = "Patients they are about (the database's own first).", DefaultValueFactory = _ => 100_000 };
        var users = new Option<int>("--users") { Description = "Users who act (the database's own first).", DefaultValueFactory = _ => 2_000 };
        var days = new Option<int>("--days") { Description = "Days of history, ending now.", DefaultValueFactory = _ => 730 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same mix.", DefaultValueFactory = _ => 20261201 };
        var confirm = new Option<string?>("--confirm-database")
        {
            Description = "The database's name, to generate into a database where people have signed in (not recommended).",
        };
        var generate = new Command("generate",
            "Write realistic synthetic audit rows by bulk copy, keeping the hash chain valid (for load and latency measurements). Uses the schema owner's connection.")
        {
            rows, patients, users, days, seed, confirm,
        };
        generate.SetAction(async (parse, ct) =>
        {
            await using var services = CliHost.Services(configuration());
            await using var scope = services.CreateAsyncScope();
            var progress = new Progress<long>(n => Console.Error.WriteLine($"... {n:N0} rows written"));
            var result = await scope.ServiceProvider.GetRequiredService<GenerateAuditRowsHandler>().HandleAsync(new GenerateAuditRowsCommand(
                parse.GetValue(rows), parse.GetValue(patients), parse.GetValue(users), parse.GetValue(days), parse.GetValue(seed),
                ConfirmDatabase: parse.GetValue(confirm), Progress: progress), ct);
            if (!result.IsSuccess)
            {
                await Console.Error.WriteLineAsync("error: " + result.Error!.Message);
                return 1;
            }

            var done = result.Value!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Generated {done.Rows} audit row(s) for {done.Users} user(s) and {done.Patients} patient(s), {done.From:yyyy-MM-dd} to {done.To:yyyy-MM-dd}, in {done.Elapsed.TotalSeconds:F1} s ({done.Rows / Math.Max(done.Elapsed.TotalSeconds, 0.001):F0} rows/s)."));
            return 0;
        });
        return generate;
    }
}
