using System.CommandLine;
using HimPortal.Cli.Commands;
using Microsoft.Extensions.Configuration;

namespace HimPortal.Cli;

/// <summary>`himportal`: the administrator's console for HimPortal.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        return await RunAsync(args, () => CliHost.Configuration());
    }

    /// <summary>Runs a command line; tests pass their own configuration.</summary>
    public static async Task<int> RunAsync(string[] args, Func<IConfiguration> configuration)
    {
        var root = new RootCommand("HimPortal administration: database migrations, user accounts and the access audit.")
        {
            MigrateCommand.Create(configuration),
            UsersCommand.Create(configuration),
            AuditCommand.Create(configuration),
            ImportCommand.Create(configuration),
        };
        try
        {
            // Failures reach the handlers below, which say what went wrong in one line (not System.CommandLine's stack trace).
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("ConnectionStrings", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message);
            return 1;
        }
        catch (Npgsql.NpgsqlException ex)
        {
            await Console.Error.WriteLineAsync("error: the database could not be reached or refused the command: " + ex.Message);
            return 1;
        }
    }
}
