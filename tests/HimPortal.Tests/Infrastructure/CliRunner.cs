using System.Diagnostics;

namespace HimPortal.Tests.Infrastructure;

/// <summary>Runs the real `himportal` executable (the CLI's own build output) as a separate process.</summary>
public static class CliRunner
{
    public sealed record Run(int ExitCode, string Output, string Error);

    public static Task<Run> RunAsync(IDatabaseConnections database, string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(CliDll());
        return RunAsync(start, database, stdin, args);
    }

    /// <summary>Runs the native himportal (<see cref="NativeCli"/>), published on first use.</summary>
    public static Task<Run> RunNativeAsync(IDatabaseConnections database, params string[] args) => RunNativeWithInputAsync(database, null, args);

    /// <summary>Runs the native himportal with <paramref name="stdin"/> as its standard input.</summary>
    public static async Task<Run> RunNativeWithInputAsync(IDatabaseConnections database, string? stdin, params string[] args) =>
        await RunAsync(new ProcessStartInfo(await NativeCli.ExecutableAsync()), database, stdin, args);

    private static async Task<Run> RunAsync(ProcessStartInfo start, IDatabaseConnections database, string? stdin, string[] args)
    {
        ArgumentNullException.ThrowIfNull(database);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__HimPortal"] = database.AppConnectionString;
        start.Environment["ConnectionStrings__HimPortalAdmin"] = database.OwnerConnectionString;
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

    /// <summary>himportal.dll is copied next to the tests through the project reference, with its runtime config.</summary>
    private static string CliDll()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "himportal.dll");
        File.Exists(path).ShouldBeTrue($"{path} is missing");
        return path;
    }
}
