using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Documents.RenderPages;

/// <summary>What the parent asks the render worker, as one JSON object on its standard input.</summary>
public sealed record RenderWorkerRequest(string Path, string MediaType, string OutputFolder, int Dpi = 150, int MaxWidth = 1700, int ThumbnailWidth = 200);

/// <summary>
/// One JSON line on the worker's standard output: a page (<see cref="Page"/> with its size, ink share and PDF text), the
/// end (<see cref="Done"/>: the page count), or why the file cannot be rendered (<see cref="Error"/>). The text travels
/// on the pipe only, never in a log.
/// </summary>
public sealed record RenderWorkerLine(int? Page = null, int? Width = null, int? Height = null, double? Ink = null, string? Text = null,
    int? Done = null, string? Error = null);

/// <summary>What a render run came to: the pages (their images in the output folder), or the problem that parks the file.</summary>
public sealed record RenderRun(IReadOnlyList<RenderWorkerLine> Pages, string? Problem, TimeSpan Elapsed);

/// <summary>
/// Runs `himportal documents render-worker` for one file in a child process (ADR 0025): a wall-clock limit (the process
/// is killed on overrun), a memory limit (RLIMIT_DATA set by `ulimit -d` in a /bin/sh wrapper, which then execs the
/// worker) and the .NET heap's hard limit, and an environment without the app's secrets (no connection strings:
/// the worker reads a file and writes images, nothing else). A crash, a kill or a bad answer becomes a problem for the
/// file, never an exception for the caller: the job runner and the web app never load PDFium.
/// </summary>
public sealed class RenderWorker(IOptions<DocumentsOptions> options)
{
    public const string Command = "documents render-worker";

    /// <summary>The protocol's JSON: web names, nulls left out.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<RenderRun> RunAsync(RenderWorkerRequest request, int expectedPages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.Value;
        var clock = Stopwatch.StartNew();
        if (Locate(settings.RenderWorkerPath) is not { } worker)
        {
            // Not the file's fault: the job fails and is retried once the server is fixed; the file stays queued.
            throw new InvalidOperationException("The render worker (the himportal console) was not found: set Documents:RenderWorkerPath.");
        }

        var timeout = settings.RenderTimeout + (settings.RenderTimeoutPerPage * Math.Max(1, expectedPages));
        using var process = new Process { StartInfo = StartInfo(worker, settings) };
        var pages = new List<RenderWorkerLine>();
        string? error = null;
        var done = false;
        var stderr = new StringBuilder();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"The render worker {worker.Executable} could not be started: {e.Message}", e);
        }

        using var overrun = CancellationTokenSource.CreateLinkedTokenSource(ct);
        overrun.CancelAfter(timeout);
        var errors = Task.Run(async () =>
        {
            // Kept short: the worker's own messages name faults, never content; only the first lines are useful.
            while (await process.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
            {
                if (stderr.Length < 2000)
                {
                    stderr.AppendLine(line);
                }
            }
        }, CancellationToken.None);
        try
        {
            await process.StandardInput.WriteAsync(JsonSerializer.Serialize(request, Json).AsMemory(), overrun.Token);
            process.StandardInput.Close();
            while (await process.StandardOutput.ReadLineAsync(overrun.Token) is { } line)
            {
                var answer = Parse(line);
                if (answer?.Page is not null)
                {
                    pages.Add(answer);
                }
                else if (answer?.Done is not null)
                {
                    done = true;
                }
                else if (answer?.Error is { } problem)
                {
                    error = problem;
                }
            }

            await process.WaitForExitAsync(overrun.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Kill(process);
            return new RenderRun(pages, string.Create(CultureInfo.InvariantCulture,
                $"rendering took longer than {timeout.TotalSeconds:0.#} s and was stopped (Documents:RenderTimeout; a hostile or damaged file)"), clock.Elapsed);
        }
        catch (IOException)
        {
            // The worker died while we wrote its request or read its answer: its exit code says how, below.
            await WaitAsync(process);
        }
        finally
        {
            if (ct.IsCancellationRequested)
            {
                Kill(process);
            }
        }

        await errors.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var exit = process.ExitCode;
        if (error is not null)
        {
            return new RenderRun(pages, error, clock.Elapsed);
        }

        if (exit == 0 && done && pages.Count > 0)
        {
            return new RenderRun(pages, null, clock.Elapsed);
        }

        return new RenderRun(pages, Crash(exit, stderr.ToString()), clock.Elapsed);
    }

    /// <summary>
    /// The worker's exit described for the person who looks at the file. A process killed by a signal exits with 128 +
    /// the signal's number (9 KILL, 6 ABRT: the .NET runtime's own out-of-memory abort, 11 SEGV: native code crashed).
    /// </summary>
    private static string Crash(int exit, string stderr)
    {
        var memory = stderr.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase) || stderr.Contains("Out of memory", StringComparison.OrdinalIgnoreCase);
        return exit switch
        {
            _ when memory => "rendering needed more memory than allowed (Documents:RenderMemoryMegabytes; a PDF bomb or a damaged file)",
            134 => "the renderer aborted (out of memory or a damaged file)",
            139 => "the renderer crashed on this file (a damaged or hostile file)",
            > 128 and < 160 => string.Create(CultureInfo.InvariantCulture, $"the renderer was stopped by signal {exit - 128} (a damaged or hostile file)"),
            0 => "the renderer ended without rendering the file",
            _ => string.Create(CultureInfo.InvariantCulture, $"the renderer failed (exit code {exit})"),
        };
    }

    private static RenderWorkerLine? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<RenderWorkerLine>(line, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static async Task WaitAsync(Process process)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static ProcessStartInfo StartInfo(WorkerExecutable worker, DocumentsOptions settings)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };

        // Only what the runtime needs: the worker gets no connection string, password or key from the app's environment.
        start.Environment.Clear();
        foreach (var name in new[] { "PATH", "HOME", "TMPDIR", "LANG", "DOTNET_ROOT" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }

        var megabytes = (long)settings.RenderMemoryMegabytes;
        start.Environment["DOTNET_GCHeapHardLimit"] = (megabytes * 1024 * 1024 / 2).ToString("X", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (OperatingSystem.IsWindows())
        {
            // No rlimits there: the heap limit and the wall clock remain (HimPortal runs on Linux).
            start.FileName = worker.Executable;
        }
        else
        {
            // ulimit -d (KiB) sets RLIMIT_DATA for the shell, which exec hands to the worker: since Linux 4.7 it counts
            // every private writable mapping, so native PDFium allocations past it fail inside the worker, not in the
            // caller. RLIMIT_AS would not do: the runtime reserves (PROT_NONE) gigabytes of address space at start.
            start.FileName = "/bin/sh";
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"ulimit -d {megabytes * 1024} && exec \"$0\" \"$@\""));
            start.ArgumentList.Add(worker.Executable);
        }

        foreach (var argument in worker.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("documents");
        start.ArgumentList.Add("render-worker");
        return start;
    }

    /// <summary>The program to run and the arguments before the command: the apphost itself, or `dotnet himportal.dll`.</summary>
    public sealed record WorkerExecutable(string Executable, IReadOnlyList<string> Arguments);

    /// <summary>
    /// Finds the worker the same way in the web app, the console and the tests: the configured path, else the
    /// console next to this app (the console itself; the tests, which reference it), else in its cli/ folder (the
    /// container image: /app and /app/cli), else `himportal` on the PATH. A himportal.dll runs with this process's dotnet.
    /// </summary>
    public static WorkerExecutable? Locate(string configured)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(configured))
        {
            candidates.Add(configured);
        }
        else
        {
            var here = AppContext.BaseDirectory;
            var exe = OperatingSystem.IsWindows() ? "himportal.exe" : "himportal";
            // Under dotnet (a framework-dependent build) the dll runs with the same runtime; a self-contained console runs its own apphost.
            string[] names = UnderDotnet ? ["himportal.dll", exe] : [exe, "himportal.dll"];
            candidates.AddRange(names.Select(name => Path.Combine(here, name)));
            candidates.AddRange(names.Select(name => Path.Combine(here, "cli", name)));
            candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(folder => Path.Combine(folder, exe)));
        }

        foreach (var candidate in candidates.Where(File.Exists))
        {
            if (candidate.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                var host = UnderDotnet ? Environment.ProcessPath! : "dotnet";
                return new WorkerExecutable(host, [Path.GetFullPath(candidate)]);
            }

            return new WorkerExecutable(Path.GetFullPath(candidate), []);
        }

        return null;
    }

    private static bool UnderDotnet => Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet";
}
