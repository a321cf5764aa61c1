using BitMiracle.LibTiff.Classic;
using HimPortal.Data.Documents;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Exceptions;

namespace HimPortal.Application.Documents.CaptureFiles;

/// <summary>What inspecting a file found: its kind and pages, or why it is refused or parked.</summary>
public sealed record Inspection(ReceivedFileStatus Status, string? MediaType, int? Pages, string? Problem)
{
    public static Inspection Refuse(string problem, string? mediaType = null) => new(ReceivedFileStatus.Refused, mediaType, null, problem);

    public static Inspection Park(string mediaType, string problem) => new(ReceivedFileStatus.Unreadable, mediaType, null, problem);
}

/// <summary>
/// Decides what a received file is from its bytes, never from its name: a PDF or a TIFF by magic bytes, then its
/// structure read far enough to count pages. Everything here is managed code (PdfPig, LibTiff.NET and a bounded walk of
/// the TIFF directory chain); a file that breaks a reader, loops or runs past the time limit is parked as unreadable,
/// never thrown out of the capture. Rendering, with native PDFium, runs in a worker process instead (ADR 0025).
/// </summary>
public static class FileInspector
{
    public const string Pdf = "application/pdf";
    public const string Tiff = "image/tiff";

    static FileInspector()
    {
        // LibTiff.NET prints its errors to the console by default; a file's faults come back as this class's problems.
        BitMiracle.LibTiff.Classic.Tiff.SetErrorHandler(new QuietTiffErrors());
    }

    public static async Task<Inspection> InspectAsync(string path, long length, DocumentsOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (length == 0)
        {
            return Inspection.Refuse("the file is empty");
        }

        var head = new byte[1024];
        int read;
        await using (var file = File.OpenRead(path))
        {
            read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        }

        var kind = Sniff(head.AsSpan(0, read));
        if (kind is null)
        {
            return Inspection.Refuse("not a PDF or TIFF file");
        }

        // The readers are synchronous and may spin on a hostile file: run them off the caller's thread with a deadline.
        // A reader that overruns keeps its thread until it ends, but the capture moves on (ADR 0025 moves untrusted
        // parsing into a worker process that can be killed).
        var work = Task.Run(() => kind == Pdf ? InspectPdf(path, options) : InspectTiff(path, length, options), CancellationToken.None);
        try
        {
            return await work.WaitAsync(options.InspectTimeout, ct);
        }
        catch (TimeoutException)
        {
            return Inspection.Park(kind, $"reading the file took longer than {options.InspectTimeout.TotalSeconds:0} s (a hostile or damaged file)");
        }
    }

    /// <summary>
    /// PDF: "%PDF-" within the first 1024 bytes (readers accept leading junk there); TIFF: "II*\0" or "MM\0*".
    /// BigTIFF (43) is not taken: fax servers and scanners write classic TIFF.
    /// </summary>
    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.IndexOf("%PDF-"u8) >= 0)
        {
            return Pdf;
        }

        return head.Length >= 4 && (head[..4].SequenceEqual("II*\0"u8) || head[..4].SequenceEqual("MM\0*"u8)) ? Tiff : null;
    }

    private static Inspection InspectPdf(string path, DocumentsOptions options)
    {
        try
        {
            using var document = PdfDocument.Open(path, new ParsingOptions { UseLenientParsing = false });
            if (document.IsEncrypted)
            {
                return Inspection.Park(Pdf, "the PDF is encrypted");
            }

            var pages = document.NumberOfPages;
            if (pages <= 0)
            {
                return Inspection.Park(Pdf, "the PDF has no pages");
            }

            if (pages > options.MaxPages)
            {
                return Inspection.Park(Pdf, $"the PDF claims {pages} pages, more than Documents:MaxPages ({options.MaxPages})");
            }

            // Pages are not opened here: opening one parses its content stream, which a PDF bomb inflates without bound.
            // That is the render worker's job, under its memory limit (ADR 0025).
            return new Inspection(ReceivedFileStatus.Queued, Pdf, pages, null);
        }
        catch (PdfDocumentEncryptedException)
        {
            return Inspection.Park(Pdf, "the PDF is encrypted");
        }
        catch (OutOfMemoryException)
        {
            return Inspection.Park(Pdf, "the PDF expands beyond the memory allowed (a PDF bomb)");
        }
#pragma warning disable CA1031 // A reader's failure on an untrusted file, whatever its type, parks the file: it must never stop the capture (issue 15 item 1).
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Inspection.Park(Pdf, "the PDF is damaged and cannot be read (" + Reason(e) + ")");
        }
    }

    private static Inspection InspectTiff(string path, long length, DocumentsOptions options)
    {
        try
        {
            using var file = File.OpenRead(path);
            var walk = WalkDirectories(file, length, options.MaxPages);
            if (walk.Problem is { } problem)
            {
                return Inspection.Park(Tiff, problem);
            }

            file.Position = 0;
            using var tiff = BitMiracle.LibTiff.Classic.Tiff.ClientOpen(path, "r", file, new TiffStream());
            if (tiff is null)
            {
                return Inspection.Park(Tiff, "the TIFF is damaged and cannot be read");
            }

            for (short page = 0; page < walk.Pages; page++)
            {
                if (!tiff.SetDirectory(page))
                {
                    return Inspection.Park(Tiff, $"the TIFF's page {page + 1} cannot be read");
                }

                var width = tiff.GetField(TiffTag.IMAGEWIDTH)?[0].ToInt() ?? 0;
                var height = tiff.GetField(TiffTag.IMAGELENGTH)?[0].ToInt() ?? 0;
                if (width <= 0 || height <= 0)
                {
                    return Inspection.Park(Tiff, $"the TIFF's page {page + 1} has no image size");
                }
            }

            return new Inspection(ReceivedFileStatus.Queued, Tiff, walk.Pages, null);
        }
#pragma warning disable CA1031 // As for PDFs: whatever breaks the reader parks the file, never the capture.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Inspection.Park(Tiff, "the TIFF is damaged and cannot be read (" + Reason(e) + ")");
        }
    }

    /// <summary>
    /// Follows the chain of image file directories from the header, refusing an offset seen before (a loop, which sends
    /// a naive reader round for ever), one outside the file, or more directories than Documents:MaxPages. Done here, not
    /// left to LibTiff, so the bound holds whatever the library's version does.
    /// </summary>
    internal static (int Pages, string? Problem) WalkDirectories(Stream file, long length, int maxPages)
    {
        Span<byte> header = stackalloc byte[8];
        if (file.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8)
        {
            return (0, "the TIFF is truncated (no header)");
        }

        var little = header[0] == (byte)'I';
        uint U32(ReadOnlySpan<byte> b) => little ? BitConverter.ToUInt32([b[0], b[1], b[2], b[3]]) : (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        ushort U16(ReadOnlySpan<byte> b) => (ushort)(little ? b[0] | b[1] << 8 : b[0] << 8 | b[1]);

        var seen = new HashSet<long>();
        long offset = U32(header[4..]);
        var pages = 0;
        Span<byte> buffer = stackalloc byte[4];
        while (offset != 0)
        {
            if (!seen.Add(offset))
            {
                return (pages, "the TIFF's directories loop (a hostile or damaged file)");
            }

            if (offset < 8 || offset + 2 > length)
            {
                return (pages, "the TIFF points past its end (truncated or damaged)");
            }

            if (++pages > maxPages)
            {
                return (pages, $"the TIFF has more than Documents:MaxPages ({maxPages}) pages");
            }

            file.Position = offset;
            if (file.ReadAtLeast(buffer[..2], 2, throwOnEndOfStream: false) < 2)
            {
                return (pages, "the TIFF is truncated");
            }

            long next = offset + 2 + (U16(buffer) * 12L);
            if (next + 4 > length)
            {
                return (pages, "the TIFF is truncated");
            }

            file.Position = next;
            file.ReadExactly(buffer);
            offset = U32(buffer);
        }

        return pages == 0 ? (0, "the TIFF has no pages") : (pages, null);
    }

    /// <summary>The reader's own message, shortened: it names the fault in the file's structure, never document text.</summary>
    private static string Reason(Exception e) => e.Message.Length > 200 ? e.Message[..200] : e.Message;
}

/// <summary>Swallows LibTiff's messages: they would go to standard output (the CLI's --json) and say nothing we do not report.</summary>
internal sealed class QuietTiffErrors : TiffErrorHandler
{
    public override void ErrorHandler(BitMiracle.LibTiff.Classic.Tiff tif, string method, string format, params object[] args)
    {
    }

    public override void ErrorHandlerExt(BitMiracle.LibTiff.Classic.Tiff tif, object clientData, string method, string format, params object[] args)
    {
    }

    public override void WarningHandler(BitMiracle.LibTiff.Classic.Tiff tif, string method, string format, params object[] args)
    {
    }

    public override void WarningHandlerExt(BitMiracle.LibTiff.Classic.Tiff tif, object clientData, string method, string format, params object[] args)
    {
    }
}
