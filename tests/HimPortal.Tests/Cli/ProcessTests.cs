using System.Diagnostics;
using System.Globalization;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Cli;

/// <summary>
/// The `himportal` process as an operator or a container runtime meets it: every command behind one name, a stop
/// request (Ctrl+C, `docker stop`) ends a running command with exit 130 and one line, and a database that cannot be
/// reached is one line and exit 1.
/// </summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task Help_names_every_command()
    {
        var help = await CliRunner.RunAsync(new Unreachable(), null, "--help");

        help.ExitCode.ShouldBe(0, help.Error);
        foreach (var command in new[] { "migrate", "users", "audit", "import" })
        {
            help.Output.ShouldContain(command);
        }
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_stop_request_ends_a_running_command_with_exit_130_and_one_line(string signal)
    {
        // A command that runs for many minutes (audit generate, as the schema owner, in a database of its own), asked to
        // stop once it is connected and writing.
        await using var database = new TestDatabase();
        await database.InitializeAsync();
        var start = CliRunner.Start(database, "audit", "generate", "--rows", "50000000", "--confirm-database", database.Name);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            (await ConnectedAsync(database)).ShouldBeTrue("audit generate did not connect within 60 s");
            await Task.Delay(TimeSpan.FromSeconds(1));
            process.HasExited.ShouldBeFalse("audit generate ended before it was asked to stop");
            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)])!)
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);

            process.ExitCode.ShouldBe(130, await error);
            // Progress lines ("... N rows written") may come first; the stop itself is one line, no stack trace.
            var lines = (await error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(l => !l.StartsWith("...", StringComparison.Ordinal)).ToArray();
            lines.ShouldBe(["error: stopped before the command finished (interrupted or terminated)"]);
            await output;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task An_unreachable_database_is_one_line_and_exit_1()
    {
        var import = await CliRunner.RunAsync(new Unreachable(), null, "import", "--json", SyntheaData.HospitalBundle);

        import.ExitCode.ShouldBe(1);
        import.Error.Trim().Split('\n').Length.ShouldBe(1, import.Error);
        import.Error.ShouldContain("error: the database could not be reached");
    }

    /// <summary>Whether the CLI (the only client logged in as the schema owner there) has a connection to the database.</summary>
    private static async Task<bool> ConnectedAsync(TestDatabase database)
    {
        for (var tries = 0; tries < 600; tries++)
        {
            var sessions = await database.ScalarAsync<long>(
                $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database.Name}' AND usename = '{PostgresServer.OwnerRole}'");
            if (sessions > 0)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private sealed class Unreachable : IDatabaseConnections
    {
        public string AppConnectionString => "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=2";

        public string OwnerConnectionString => AppConnectionString;
    }
}
