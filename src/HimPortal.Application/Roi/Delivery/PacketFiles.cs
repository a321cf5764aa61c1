using System.Security.Cryptography;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Roi.Fees.GetInvoicePdf;
using HimPortal.Data.Roi;

namespace HimPortal.Application.Roi.Delivery;

/// <summary>A packet's exact bytes from the document store, checked against the SHA-256 recorded when it was built.</summary>
public static class PacketFiles
{
    public static async Task<RoiFile> ReadAsync(IDocumentStore store, ReleaseRequest request, Packet packet, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(packet);
        var objectId = packet.ObjectId ?? throw new InvalidOperationException("The packet has no bytes.");
        await using var stream = await store.OpenReadAsync(objectId, ct) ?? throw new InvalidOperationException("The packet's bytes are missing from the store.");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct);
        var bytes = copy.ToArray();
        // What leaves must be what was built and checked: a mismatch is an outage, never served.
        if (packet.Sha256 is not { } expected || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(bytes), expected))
        {
            throw new InvalidOperationException("The packet's bytes do not match its recorded SHA-256.");
        }

        var (name, type) = NameAndType(request, packet);
        return new RoiFile(bytes, name, type);
    }

    /// <summary>
    /// The packet as a stream, for a download of any size with flat memory: the bytes are first read through SHA-256 in
    /// chunks and checked against the hash recorded at build (what leaves must be what was built and checked), then
    /// opened again for the caller to copy to the response, which disposes the stream. Opened outside any transaction.
    /// </summary>
    public static async Task<PacketStream> OpenAsync(IDocumentStore store, ReleaseRequest request, Packet packet, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(packet);
        var objectId = packet.ObjectId ?? throw new InvalidOperationException("The packet has no bytes.");
        await using (var check = await store.OpenReadAsync(objectId, ct) ?? throw new InvalidOperationException("The packet's bytes are missing from the store."))
        {
            var hash = await SHA256.HashDataAsync(check, ct);
            if (packet.Sha256 is not { } expected || !CryptographicOperations.FixedTimeEquals(hash, expected))
            {
                throw new InvalidOperationException("The packet's bytes do not match its recorded SHA-256.");
            }
        }

        var stream = await store.OpenReadAsync(objectId, ct) ?? throw new InvalidOperationException("The packet's bytes are missing from the store.");
        var (name, type) = NameAndType(request, packet);
        return new PacketStream(stream, name, type, packet.Length);
    }

    private static (string Name, string Type) NameAndType(ReleaseRequest request, Packet packet) =>
        packet.Format == ReleaseFormats.FhirJson
            ? ($"{request.Display}.json", "application/fhir+json")
            : ($"{request.Display}.pdf", "application/pdf");
}

/// <summary>A packet to stream to its recipient: the caller copies <see cref="Content"/> out and disposes it.</summary>
public sealed record PacketStream(Stream Content, string FileName, string ContentType, long? Length);
