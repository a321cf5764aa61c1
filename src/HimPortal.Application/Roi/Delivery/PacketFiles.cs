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

        return packet.Format == ReleaseFormats.FhirJson
            ? new RoiFile(bytes, $"{request.Display}.json", "application/fhir+json")
            : new RoiFile(bytes, $"{request.Display}.pdf", "application/pdf");
    }
}
