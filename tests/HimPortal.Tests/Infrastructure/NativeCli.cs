using System.Diagnostics;

namespace HimPortal.Tests.Infrastructure;

/// <summary>
/// The native himportal as it ships (ADR 0012): src/HimPortal.Cli.Native published with NativeAOT, once per test run
/// (an incremental publish when nothing changed), into .himportal/native-cli, with this test build's JIT CLI as its jit/
/// folder for the commands it hands on. NativeAOT links with clang, which scripts/test.sh installs when it is missing.
/// </summary>
public static class NativeCli
{
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    private static readonly string[] Clangs = ["clang", "clang-19", "clang-18", "clang-17", "clang-16", "clang-15", "clang-14"];

    public static Task<string> ExecutableAsync() => Published.Value;

    private static async Task<string> PublishAsync()
    {
        var root = RepositoryRoot();
        var output = Path.Combine(root, ".himportal", "native-cli");
        var clang = FindClang() ?? throw new InvalidOperationException(
            "NativeAOT needs clang on the PATH to link the native himportal (apt-get install clang; scripts/test.sh installs it).");
        var publish = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "publish", Path.Combine(root, "src", "HimPortal.Cli.Native"), "-c", "Release", "-o", output, "-nologo", "-v", "quiet",
                     "-p:CppCompilerAndLinker=" + clang,
                 })
        {
            publish.ArgumentList.Add(arg);
        }

        using (var process = Process.Start(publish)!)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            await process.WaitForExitAsync(timeout.Token);
            process.ExitCode.ShouldBe(0, $"publishing the native himportal failed:\n{await stdout}\n{await stderr}");
        }

        var jit = new DirectoryInfo(Path.Combine(output, "jit"));
        if (jit.Exists || jit.LinkTarget is not null)
        {
            if (jit.LinkTarget is not null)
                jit.Delete();
            else
                jit.Delete(recursive: true);
        }

        Directory.CreateSymbolicLink(jit.FullName, AppContext.BaseDirectory);
        var executable = Path.Combine(output, "himportal");
        File.Exists(executable).ShouldBeTrue($"{executable} is missing after the publish");
        return executable;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "HimPortal.sln")))
                return folder.FullName;
        }

        throw new DirectoryNotFoundException($"No HimPortal.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>The first clang on the PATH, as scripts/lib/publish-cli.sh looks for it.</summary>
    private static string? FindClang() =>
        Clangs.FirstOrDefault(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
                .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, name))));
}
