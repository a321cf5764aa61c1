using System.Security.Cryptography;
using HimPortal.Application.Common.Letters;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Roi;

/// <summary>
/// A built and checked packet without the packet builder (roi-packets builds real ones): a small LetterPdf in the document
/// store, a packets row with its hash and page count, and included items to describe the disclosure by.
/// </summary>
public static class BuiltPackets
{
    public static async Task<(Guid PacketId, byte[] Bytes)> AddAsync(TestDatabase database, Guid requestId, string status = PacketStatuses.Checked,
        IReadOnlyList<(string Type, string Key, DateOnly? Date)>? items = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();
        var request = await db.ReleaseRequests.FindAsync(requestId) ?? throw new InvalidOperationException("No such request.");
        var bytes = LetterPdf.Write(new LetterContent("HIM", ["Requester"], new DateOnly(2026, 1, 1), "Packet " + request.Display,
            ["Encounter 2019-03-01: visit.", "Encounter 2024-05-02: visit.", "Scanned document."], request.Display));
        var objectId = Guid.CreateVersion7();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            using (var content = new MemoryStream(bytes))
            {
                await store.PutAsync(objectId, content, CancellationToken.None);
            }

            var packet = new Packet
            {
                Id = Guid.CreateVersion7(),
                RequestId = requestId,
                Status = status,
                Format = request.Format == ReleaseFormats.FhirJson ? ReleaseFormats.Pdf : request.Format,
                ObjectId = objectId,
                Sha256 = SHA256.HashData(bytes),
                Length = bytes.Length,
                PageCount = 1,
                Manifest = "{}",
                QueuedAt = DateTimeOffset.UtcNow,
                BuiltAt = DateTimeOffset.UtcNow,
                CheckedAt = status == PacketStatuses.Checked ? DateTimeOffset.UtcNow : null,
            };
            db.Packets.Add(packet);
            var ordinal = 0;
            foreach (var (type, key, date) in items ?? [("Encounter", Guid.NewGuid().ToString("D"), new DateOnly(2019, 3, 1)),
                         ("Encounter", Guid.NewGuid().ToString("D"), new DateOnly(2024, 5, 2)), ("ScannedDocument", Guid.NewGuid().ToString("D"), null)])
            {
                db.PacketItems.Add(new PacketItem { RequestId = requestId, ResourceType = type, ResourceKey = key, Title = type, ItemDate = date, Included = true, Ordinal = ordinal++ });
            }

            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return (packet.Id, bytes);
        }
    }
}
