using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;
using HimPortal.Tests.Roi;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HimPortal.Tests.Portal;

/// <summary>
/// The portal download benchmark (issue 19 item 10, the download half), run by scripts/bench-portal-download.sh
/// (HIMPORTAL_BENCH=1; a no-op otherwise): a released packet of 100 KB and one of 50 MB, each downloaded by the patient
/// through the portal's real pipeline (sign-in, the /Copies/Download form, the handler, the document store's stream), in
/// this one process; peak RSS of each download (VmHWM, reset before it), time, and the bytes' SHA-256 checked.
/// </summary>
public sealed class PortalDownloadBenchmark(ITestOutputHelper output)
{
    [Fact]
    public async Task A_50_MB_packet_downloads_through_the_portal_with_flat_memory()
    {
        if (Environment.GetEnvironmentVariable("HIMPORTAL_BENCH") != "1")
        {
            return;
        }

        await using var database = new TestDatabase();
        await database.InitializeAsync();
        var record = await CandidatePairs.PatientAsync(database, "Bench" + Guid.NewGuid().ToString("N")[..6], "Download");
        await using var patient = await PortalCopiesWorld.PatientAsync(database, record);
        var small = await ReleasedAsync(database, record, 100 * 1024);
        var large = await ReleasedAsync(database, record, 50 * 1024 * 1024);
        await using var portal = new PortalFactory(database);
        using var client = portal.Browserless();
        await HimPortalFactory.SignInAsync(client, patient.Persona.Email, patient.Persona.Password);

        var baseline = await MeasureAsync(client, small, "small packet (100 KB)");
        var big = await MeasureAsync(client, large, "large packet (50 MB)");
        var report = $"""
            | packet | bytes | download s | peak RSS MB (download) | sha-256 |
            |---|---|---|---|---|
            {baseline}
            {big}
            """;
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(Repository.Root, ".himportal", "bench-portal-download.md"), report);
    }

    private static async Task<string> MeasureAsync(HttpClient client, (Guid Request, long Length, byte[] Sha) packet, string name)
    {
        var form = await client.GetStringAsync(new Uri("/Copies", UriKind.Relative));
        using var message = new HttpRequestMessage(HttpMethod.Post, "/Copies/Download")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["id"] = packet.Request.ToString(), ["__RequestVerificationToken"] = HimPortalFactory.AntiforgeryToken(form),
            }),
        };
        GC.Collect();
        GC.WaitForPendingFinalizers();
        await File.WriteAllTextAsync("/proc/self/clear_refs", "5");
        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        long read = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var body = await response.Content.ReadAsStreamAsync())
        {
            var buffer = new byte[81920];
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                read += n;
            }
        }

        clock.Stop();
        var peak = PeakRssMb();
        read.ShouldBe(packet.Length);
        hash.GetHashAndReset().ShouldBe(packet.Sha);
        return string.Create(CultureInfo.InvariantCulture, $"| {name} | {read:N0} | {clock.Elapsed.TotalSeconds:F2} | {peak:F0} | matches |");
    }

    /// <summary>A delivered patient request with a released packet of <paramref name="length"/> random bytes (written from a temp file, never whole in memory) and a link in force.</summary>
    private static async Task<(Guid Request, long Length, byte[] Sha)> ReleasedAsync(TestDatabase database, Guid patient, long length)
    {
        var request = await ReleaseRequests.AddAsync(database, patient, RequesterTypes.Patient, RequestStatuses.Delivered);
        var path = Path.Combine(Path.GetTempPath(), $"himportal-bench-{Guid.NewGuid():N}.bin");
        byte[] sha;
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        await using (var file = File.Create(path))
        {
            var chunk = new byte[1024 * 1024];
            for (long written = 0; written < length; written += chunk.Length)
            {
                RandomNumberGenerator.Fill(chunk);
                var size = (int)Math.Min(chunk.Length, length - written);
                await file.WriteAsync(chunk.AsMemory(0, size));
                hash.AppendData(chunk, 0, size);
            }

            sha = hash.GetHashAndReset();
        }

        try
        {
            await using var services = database.Services();
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
            var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();
            var objectId = Guid.CreateVersion7();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await using (var content = File.OpenRead(path))
            {
                await store.PutAsync(objectId, content, CancellationToken.None);
            }

            var now = DateTimeOffset.UtcNow;
            var packet = new Packet
            {
                Id = Guid.CreateVersion7(), RequestId = request, Status = PacketStatuses.Released, Format = ReleaseFormats.Pdf, ObjectId = objectId, Sha256 = sha,
                Length = length, PageCount = 1, Manifest = "{}", QueuedAt = now, BuiltAt = now, CheckedAt = now, ReleasedAt = now,
            };
            db.Packets.Add(packet);
            db.DownloadLinks.Add(new DownloadLink
            {
                Id = Guid.CreateVersion7(), RequestId = request, PacketId = packet.Id, TokenHash = RandomNumberGenerator.GetBytes(32), CreatedAt = now,
                ExpiresAt = now.AddDays(30), MaxDownloads = 3,
            });
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        finally
        {
            File.Delete(path);
        }

        return (request, length, sha);
    }

    private static double PeakRssMb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
