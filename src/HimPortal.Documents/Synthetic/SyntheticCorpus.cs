using System.Globalization;
using HimPortal.Documents.CoverSheets;

namespace HimPortal.Documents.Synthetic;

/// <summary>Which kind of file a synthetic document is: each kind the importer takes (issue 15 item 1).</summary>
public enum SyntheticKind
{
    BornDigitalPdf,
    ScannedPdf,
    FineFaxTiff,
    StandardFaxTiff,
    CoverSheetBatch,
}

/// <summary>One file written by <see cref="SyntheticCorpus"/>.</summary>
public sealed record SyntheticFile(string Path, SyntheticKind Kind, int Pages);

/// <summary>
/// Writes a folder of synthetic documents for the demo's queue and the benchmark: the notes in turn, each as the next
/// kind of file, and cover-sheet batches for notes whose patient the caller knows (the demo's imported patients). File
/// names say "synthetic"; the same seed and notes make the same files.
/// </summary>
public static class SyntheticCorpus
{
    /// <param name="coverSheetFor">The cover sheet for a note's patient, or null when HimPortal does not know them; batches
    /// are made only from notes that have one.</param>
    /// <param name="batchSize">How many parts (cover sheet and note) a batch holds.</param>
    public static IReadOnlyList<SyntheticFile> Write(string folder, IReadOnlyList<SyntheaNote> notes, int count, int seed,
        Func<SyntheaNote, CoverSheet?>? coverSheetFor = null, int batchSize = 3)
    {
        ArgumentNullException.ThrowIfNull(notes);
        if (notes.Count == 0)
        {
            throw new ArgumentException("No notes to make documents from.", nameof(notes));
        }

        Directory.CreateDirectory(folder);
        var documents = new SyntheticDocuments(seed);
        var kinds = Enum.GetValues<SyntheticKind>();
        var files = new List<SyntheticFile>();
        var next = 0;
        for (var index = 0; files.Count < count; index++)
        {
            var kind = kinds[index % kinds.Length];
            var name = string.Create(CultureInfo.InvariantCulture, $"synthetic-{index + 1:00000}-{Slug(kind)}");
            if (kind == SyntheticKind.CoverSheetBatch)
            {
                if (coverSheetFor is null)
                {
                    continue;
                }

                var parts = new List<(CoverSheet, byte[])>();
                for (var tries = 0; parts.Count < batchSize && tries < notes.Count; tries++)
                {
                    var note = notes[next++ % notes.Count];
                    if (coverSheetFor(note) is { } sheet)
                    {
                        parts.Add((sheet, SyntheticDocuments.NotePdf(note)));
                    }
                }

                if (parts.Count == 0)
                {
                    continue;
                }

                var batch = documents.CoverSheetBatch(parts, FaxResolution.Fine);
                files.Add(Save(folder, name + ".tif", batch, kind));
                continue;
            }

            var pdf = SyntheticDocuments.NotePdf(notes[next++ % notes.Count]);
            var (extension, bytes) = kind switch
            {
                SyntheticKind.BornDigitalPdf => (".pdf", pdf),
                SyntheticKind.ScannedPdf => (".pdf", documents.ScannedPdf(pdf)),
                SyntheticKind.FineFaxTiff => (".tif", documents.FaxTiff(pdf, FaxResolution.Fine)),
                _ => (".tif", documents.FaxTiff(pdf, FaxResolution.Standard)),
            };
            files.Add(Save(folder, name + extension, bytes, kind));
        }

        return files;
    }

    private static SyntheticFile Save(string folder, string name, byte[] bytes, SyntheticKind kind)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        var pages = path.EndsWith(".tif", StringComparison.Ordinal)
            ? Imaging.G4Tiff.Describe(bytes).Count
            : Imaging.PdfRasterizer.PageCount(bytes);
        return new SyntheticFile(path, kind, pages);
    }

    private static string Slug(SyntheticKind kind) => kind switch
    {
        SyntheticKind.BornDigitalPdf => "born-digital",
        SyntheticKind.ScannedPdf => "scanned",
        SyntheticKind.FineFaxTiff => "fax-fine",
        SyntheticKind.StandardFaxTiff => "fax-standard",
        _ => "cover-sheet-batch",
    };
}
