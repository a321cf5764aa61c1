using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using HimPortal.Cli.Commands;

namespace HimPortal.Cli;

/// <summary>
/// The native `himportal`: runs `import` itself and hands every other command line, unchanged, to the JIT CLI in the
/// jit/ folder beside it (its standard streams and exit code pass through), so one command name does everything.
/// </summary>
public static partial class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "import")
        {
            return await ForwardAsync(args);
        }

        var root = new RootCommand("HimPortal import (native).") { ImportCommand.Create(() => CliHost.Configuration()) };
        return await CliHost.InvokeAsync(root, args);
    }

    private static async Task<int> ForwardAsync(string[] args)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "jit");
        var appHost = Path.Combine(folder, "himportal");
        var assembly = Path.Combine(folder, "himportal.dll");
        ProcessStartInfo start;
        if (File.Exists(appHost))
        {
            start = new ProcessStartInfo(appHost);
        }
        else if (File.Exists(assembly))
        {
            start = new ProcessStartInfo("dotnet");
            start.ArgumentList.Add(assembly);
        }
        else
        {
            await Console.Error.WriteLineAsync($"error: this native himportal runs only `import`; the other commands need the full CLI in {folder}, which is missing (see README: the console).");
            return 1;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The JIT CLI is the one doing the work, so this process outlives it and passes a stop request on: SIGTERM (as
        // `docker stop` sends to the container's first process) is handed to it; SIGINT and SIGQUIT from a terminal reach
        // the whole process group, the JIT CLI included, so here they only keep this process from quitting first. The
        // handlers are in place before the JIT CLI starts, so a request that comes while it starts is not lost.
        var gate = new object();
        Process? process = null;
        var stopRequested = false;
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            lock (gate)
            {
                stopRequested = true;
                if (process is not null)
                    _ = Kill(process.Id, Sigterm);
            }
        });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, context => context.Cancel = true);
        lock (gate)
        {
            process = Process.Start(start)!;
            if (stopRequested)
                _ = Kill(process.Id, Sigterm);
        }

        using (process)
        {
            await process.WaitForExitAsync();
            return process.ExitCode;
        }
    }

    private const int Sigterm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
