using BenchmarkDotNet.Attributes;
using HimPortal.Documents.CoverSheets;
using HimPortal.Documents.Imaging;
using HimPortal.Documents.Synthetic;

namespace HimPortal.Benchmarks.Documents;

/// <summary>
/// What the synthetic documents cost to make, so that the intake benchmark (issue 15 item 9) knows how long preparing
/// its 1,000 scanned pages takes, and what reading a cover sheet's code from a fax page costs the importer. No database:
/// `dotnet run -c Release --project tests/HimPortal.Benchmarks -- --filter '*SyntheticDocuments*'`.
/// </summary>
[MemoryDiagnoser]
public class SyntheticDocumentsBenchmark
{
    private byte[] _notePdf = null!;
    private GrayImage _coverPage = null!;
    private GrayImage _notePage = null!;

    [GlobalSetup]
    public void Setup()
    {
        var folder = Path.Combine(FindRoot(), "data", "synthea-r4");
        _notePdf = SyntheticDocuments.NotePdf(SyntheaNotes.Read(folder, perPatient: 1)[0]);
        var sheet = new CoverSheet(new CoverSheetCode(Guid.CreateVersion7(), "MRN-1", Guid.CreateVersion7(), "34117-2"),
            "Benchmark Patient", "2024-01-01", "History and physical");
        _notePage = G4Tiff.ReadPage(new SyntheticDocuments(4).FaxTiff(_notePdf, FaxResolution.Fine), 0);
        _coverPage = G4Tiff.ReadPage(new SyntheticDocuments(1).FaxTiff(CoverSheetPdf.Write(sheet), FaxResolution.Fine), 0);
    }

    [Benchmark(Description = "note to fine G4 fax TIFF")]
    public byte[] FaxTiff() => new SyntheticDocuments(2).FaxTiff(_notePdf, FaxResolution.Fine);

    [Benchmark(Description = "note to scanned PDF")]
    public byte[] ScannedPdf() => new SyntheticDocuments(3).ScannedPdf(_notePdf);

    [Benchmark(Description = "read a cover sheet's code from a fax page")]
    public CoverSheetCode? ReadCoverSheet() => CoverSheetReader.Read(_coverPage);

    /// <summary>Every page of a batch is looked at: an ordinary page is tried at each resolution before it is passed.</summary>
    [Benchmark(Description = "look for a cover sheet's code on an ordinary fax page")]
    public CoverSheetCode? ReadOrdinaryPage() => CoverSheetReader.Read(_notePage);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "HimPortal.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the HimPortal checkout: data/synthea-r4 is read from it.");
    }
}
