using System.Security.Cryptography;
using HimPortal.Application.Audit;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Roi;

namespace HimPortal.Application.Roi;

/// <summary>
/// Keeps a letter exactly as it went out: the PDF in the document store, its SHA-256 and a roi.letters row, in the caller's
/// transaction (the PostgreSQL store writes on the same connection). Letters are never rewritten; a corrected letter is a
/// new one.
/// </summary>
public sealed class RoiLetterStore(HimDbContext db, IDocumentStore store, IAuditActorAccessor actors, TimeProvider time)
{
    public async Task<RoiLetter> SaveAsync(Guid? requestId, Guid patientId, string kind, byte[] pdf, int pageCount, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var objectId = Guid.CreateVersion7();
        using (var content = new MemoryStream(pdf, writable: false))
        {
            await store.PutAsync(objectId, content, ct);
        }

        var letter = new RoiLetter
        {
            Id = Guid.CreateVersion7(),
            RequestId = requestId,
            PatientId = patientId,
            Kind = kind,
            ObjectId = objectId,
            Sha256 = SHA256.HashData(pdf),
            PageCount = pageCount,
            CreatedAt = time.GetUtcNow(),
            CreatedByUserId = actors.Current.UserId,
        };
        db.RoiLetters.Add(letter);
        return letter;
    }

    /// <summary>The letter's PDF, or null when the row or its bytes are missing.</summary>
    public async Task<byte[]?> ReadAsync(Guid letterId, CancellationToken ct)
    {
        var objectId = db.RoiLetters.Where(l => l.Id == letterId).Select(l => (Guid?)l.ObjectId).SingleOrDefault();
        if (objectId is null)
        {
            return null;
        }

        await using var stream = await store.OpenReadAsync(objectId.Value, ct);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct);
        return copy.ToArray();
    }
}
