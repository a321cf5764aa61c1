using System.Diagnostics;
using System.Globalization;
using HimPortal.Data.Roi;
using HimPortal.Documents.Imaging;
using HimPortal.Documents.Synthetic;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HimPortal.Tests.Roi.Packets;

/// <summary>
/// The packet benchmark (issue 17 item 10), run by scripts/bench-roi-packet.sh (HIMPORTAL_BENCH=1; a no-op otherwise):
/// a small packet (the smallest chart) as the memory baseline, then the largest shared chart plus 500 scanned pages
/// (200 dpi synthetic scans, each page its own object in the store), both built by the build job's handler; time, peak
/// RSS of each build (VmHWM, reset before it), and qpdf --check.
/// </summary>
public sealed class PacketBenchmark(ITestOutputHelper output)
{
    [Fact]
    public async Task Largest_chart_and_500_scanned_pages()
    {
        if (Environment.GetEnvironmentVariable("HIMPORTAL_BENCH") != "1")
        {
            return;
        }

        await using var database = new TestDatabase();
        await database.InitializeAsync();
        await ClinicalData.ImportAsync(database, ClinicalData.Smallest, ClinicalData.Largest);
        var small = await ClinicalData.PatientIdAsync(database, ClinicalData.Smallest);
        var large = await ClinicalData.PatientIdAsync(database, ClinicalData.Largest);
        await using var specialist = await PacketSteps.AsAsync(database);

        // 500 scanned pages: ten synthetic scans of a note at 200 dpi, each page stored as its own object.
        var scans = new SyntheticDocuments(17).Scan(PdfPages.Text(SyntheticDocuments.Label, string.Join("\n", Enumerable.Range(1, 400)
            .Select(i => $"Line {i} of a long scanned report, as typed and faxed between two hospitals.")), "Synthetic test document (HimPortal)"), 200, 200)
            .Select(Png.Encode).ToList();
        for (var d = 0; d < 10; d++)
        {
            var filed = await FiledDocuments.FileAsync(specialist.Services, DateTimeOffset.UtcNow, large, specialist.UserId, pages: 50);
            await database.ExecuteAsync($"""
                UPDATE documents.pages p SET width_pixels = 1700, height_pixels = 2200 FROM documents.document_pages dp
                WHERE dp.page_id = p.id AND dp.document_id = '{filed.Id}'
                """);
            var ids = (await database.ScalarAsync<string>($"""
                SELECT string_agg(p.image_object_id::text, ',') FROM documents.document_pages dp JOIN documents.pages p ON p.id = dp.page_id
                WHERE dp.document_id = '{filed.Id}'
                """)).Split(',');
            await using var connection = new Npgsql.NpgsqlConnection(database.OwnerConnectionString);
            await connection.OpenAsync();
            for (var i = 0; i < ids.Length; i++)
            {
                await using var update = new Npgsql.NpgsqlCommand("UPDATE documents.objects SET content = @c, length = @l WHERE id = @id", connection);
                var png = scans[i % scans.Count];
                update.Parameters.AddWithValue("c", png);
                update.Parameters.AddWithValue("l", (long)png.Length);
                update.Parameters.AddWithValue("id", Guid.Parse(ids[i]));
                await update.ExecuteNonQueryAsync();
            }
        }

        var baseline = await MeasureAsync(database, specialist, small, "small packet (smallest chart)");
        var big = await MeasureAsync(database, specialist, large, "largest chart + 500 scanned pages");
        var report = $"""
            | packet | items | pages | bytes | build s | peak RSS MB (build) | qpdf |
            |---|---|---|---|---|---|---|
            {baseline}
            {big}
            """;
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(Repository.Root, ".himportal", "bench-roi-packet.md"), report);
    }

    private static async Task<string> MeasureAsync(TestDatabase database, Specialist specialist, Guid patient, string name)
    {
        var request = await ReleaseRequests.AddAsync(database, patient, RequesterTypes.ContinuityOfCare, RequestStatuses.Processing);
        await PacketSteps.SelectAsync(specialist, request);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        await File.WriteAllTextAsync("/proc/self/clear_refs", "5");
        var clock = Stopwatch.StartNew();
        var built = await PacketSteps.BuildAsync(specialist, request);
        clock.Stop();
        var peak = PeakRssMb();
        var bytes = await PacketSteps.BytesAsync(database, built.PacketId);
        await Qpdf.CheckAsync(bytes);
        var items = PacketSteps.Manifest(await PacketSteps.PacketAsync(database, built.PacketId)).Items.Count;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {items} | {built.PageCount} | {bytes.Length:N0} | {clock.Elapsed.TotalSeconds:F2} | {peak:F0} | clean |");
    }

    private static double PeakRssMb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
