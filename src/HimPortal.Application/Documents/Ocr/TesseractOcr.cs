using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Documents.Ocr;

/// <summary>What one OCR run came to: the text, or why there is none.</summary>
public sealed record OcrResult(string? Text, bool Unavailable, string? Problem);

/// <summary>
/// Debian's tesseract (tesseract-ocr, tesseract-ocr-eng), run as `tesseract IMAGE stdout -l eng` in a child process
/// with a wall-clock limit (issue 15 item 5). Where it is not installed OCR is unavailable and indexing works without
/// text. The text read is returned to the caller only: never logged (conventions: no patient data in logs).
/// </summary>
public sealed class TesseractOcr(IOptions<DocumentsOptions> options)
{
    /// <summary>Whether tesseract can be run on this server (Documents:TesseractPath, by default found on the PATH).</summary>
    public bool IsInstalled => Locate(options.Value.TesseractPath) is not null;

    public static string? Locate(string configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        if (configured.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(configured) ? configured : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, configured)).FirstOrDefault(File.Exists);
    }

    public async Task<OcrResult> ReadAsync(string imagePath, CancellationToken ct)
    {
        var settings = options.Value;
        if (Locate(settings.TesseractPath) is not { } tesseract)
        {
            return new OcrResult(null, true, "tesseract is not installed");
        }

        var start = new ProcessStartInfo(tesseract)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(imagePath);
        start.ArgumentList.Add("stdout");
        start.ArgumentList.Add("-l");
        start.ArgumentList.Add(settings.OcrLanguage);
        // One thread: the machine's cores are shared with the web app and PostgreSQL.
        start.Environment["OMP_THREAD_LIMIT"] = "1";
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception)
        {
            return new OcrResult(null, true, "tesseract could not be started");
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(settings.OcrTimeout);
        try
        {
            var errors = process.StandardError.ReadToEndAsync(limit.Token);
            var text = await process.StandardOutput.ReadToEndAsync(limit.Token);
            await process.WaitForExitAsync(limit.Token);
            await errors;
            return process.ExitCode == 0
                ? new OcrResult(text.Trim(), false, null)
                : new OcrResult(null, false, $"tesseract failed (exit code {process.ExitCode})");
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            ct.ThrowIfCancellationRequested();
            return new OcrResult(null, false, $"OCR took longer than {settings.OcrTimeout.TotalSeconds:0} s (Documents:OcrTimeout)");
        }
    }
}
