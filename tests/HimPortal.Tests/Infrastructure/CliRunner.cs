using System.Diagnostics;

namespace HimPortal.Tests.Infrastructure;

/// <summary>Runs the real `himportal` executable (the CLI's own build output) as a separate process.</summary>
public static class CliRunner
{
    public sealed record Run(int ExitCode, string Output, string Error);

    public static Task<Run> RunAsync(IDatabaseConnections database, string? stdin, params string[] args) =>
        RunAsync(database, stdin, null, args);

    /// <summary>
    /// Runs `himportal ARGS` with more environment variables; with <paramref name="ownerless"/> it gets only the
    /// application's login, as the console's everyday commands run.
    /// </summary>
    public static async Task<Run> RunAsync(IDatabaseConnections database, string? stdin, IReadOnlyDictionary<string, string>? environment, string[] args, bool ownerless = false)
    {
        ArgumentNullException.ThrowIfNull(database);
        var start = Start(database, args);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        if (ownerless)
        {
            start.Environment.Remove("ConnectionStrings__HimPortalAdmin");
        }

        start.RedirectStandardInput = true;
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await output, await error);
    }

    /// <summary>How to start `himportal ARGS` against <paramref name="database"/>, its output and error redirected.</summary>
    public static ProcessStartInfo Start(IDatabaseConnections database, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(database);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliDll());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__HimPortal"] = database.AppConnectionString;
        start.Environment["ConnectionStrings__HimPortalAdmin"] = database.OwnerConnectionString;
        return start;
    }

    /// <summary>himportal.dll is copied next to the tests through the project reference, with its runtime config.</summary>
    private static string CliDll()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "himportal.dll");
        File.Exists(path).ShouldBeTrue($"{path} is missing");
        return path;
    }
}
