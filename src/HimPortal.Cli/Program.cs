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
            DocumentsCommand.Create(configuration),
            MpiCommand.Create(configuration),
            ExportCommand.Create(configuration),
            // cc-aging: the lead folds this into cc-analysis's `completion` command at merge.
            new Command("completion", "Chart completion (issue 18).") { CompletionDemoCommand.Create() },
        };
        return await CliHost.InvokeAsync(root, args);
    }
}
