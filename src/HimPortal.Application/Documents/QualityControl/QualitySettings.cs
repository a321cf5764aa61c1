using System.Buffers.Binary;
using System.Security.Cryptography;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.QualityControl;

/// <summary>The QA settings in force: the manager's stored override when there is one, else configuration.</summary>
public sealed record QualitySettings(decimal Rate, int NewClerkDocuments, bool Stored, uint? Version)
{
    public static async Task<QualitySettings> CurrentAsync(HimDbContext db, QualityReviewOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        var stored = await db.Set<QualityReviewSetting>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == 1, ct);
        return stored is null
            ? new QualitySettings(options.Rate, options.NewClerkDocuments, false, null)
            : new QualitySettings(stored.Rate, stored.NewClerkDocuments, true, stored.Version);
    }
}

/// <summary>
/// Whether a document is drawn at a rate: the first four bytes of the SHA-256 of its id, read as a fraction of 2^32,
/// below the rate. Deterministic (the same document is always drawn or not at a given rate, on any node, in any test),
/// spread evenly, and not something a clerk can predict or steer from the queue.
/// </summary>
public static class QualitySample
{
    public static bool Draws(Guid documentId, decimal rate)
    {
        if (rate <= 0m)
        {
            return false;
        }

        if (rate >= 1m)
        {
            return true;
        }

        Span<byte> id = stackalloc byte[16];
        documentId.TryWriteBytes(id, bigEndian: true, out _);
        var hash = SHA256.HashData(id);
        var draw = BinaryPrimitives.ReadUInt32BigEndian(hash);
        return draw < (ulong)(rate * 4_294_967_296m);
    }
}
