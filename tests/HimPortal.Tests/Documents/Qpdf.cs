using System.Diagnostics;

namespace HimPortal.Tests.Documents;

/// <summary>Debian's qpdf checks a PDF's structure (`qpdf --check`); .ci/run installs it.</summary>
internal static class Qpdf
{
    public static async Task CheckAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"himportal-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("qpdf", ["--check", path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("qpdf did not start");
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            // Exit 0 only: 3 means warnings, which a damaged PDF also gives.
            process.ExitCode.ShouldBe(0, $"qpdf --check: {output}{error}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
