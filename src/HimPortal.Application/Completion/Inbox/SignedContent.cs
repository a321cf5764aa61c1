using System.Security.Cryptography;
using System.Text;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Inbox;

/// <summary>
/// Exactly what a signer is shown, and its SHA-256 (42 CFR 482.24(c)(1): the signature must bind to the content): a note's
/// text as UTF-8; a scanned document's page images, their bytes in page order; an order's FHIR JSON as stored.
/// </summary>
/// <param name="ScannedDocumentId">The scanned document whose pages were shown (the chart's document page shows them), or null.</param>
public sealed record SignedContent(byte[] Sha256, string Description, string? Text, Guid? ScannedDocumentId, int Pages)
{
    public string Hex => Convert.ToHexStringLower(Sha256);

    public const string NoteText = "text/plain UTF-8 of the note";
    public const string PageImages = "page images in order";
    public const string OrderJson = "order JSON";

    /// <summary>The content of a note of the record (null when there is none: no text and no scanned pages).</summary>
    public static async Task<SignedContent?> OfNoteAsync(HimDbContext db, IDocumentStore store, Guid noteId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(store);
        var text = await db.Set<ClinicalNote>().AsNoTracking().Where(n => n.Id == noteId).Select(n => n.Text).FirstOrDefaultAsync(ct);
        if (text is not null)
        {
            return new SignedContent(SHA256.HashData(Encoding.UTF8.GetBytes(text)), NoteText, text, null, 0);
        }

        var scanned = await db.Set<ScannedDocument>().AsNoTracking().Where(d => d.ClinicalNoteId == noteId).Select(d => (Guid?)d.Id).FirstOrDefaultAsync(ct);
        if (scanned is not { } documentId)
        {
            return null;
        }

        var images = await (from dp in db.Set<ScannedDocumentPage>()
                            join p in db.Set<DocumentPage>() on dp.PageId equals p.Id
                            where dp.DocumentId == documentId
                            orderby dp.Ordinal
                            select p.ImageObjectId).ToListAsync(ct);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var image in images)
        {
            if (image is not { } objectId || await store.OpenReadAsync(objectId, ct) is not { } stream)
            {
                // A page not rendered yet cannot be shown, so the document cannot be signed yet.
                return null;
            }

            await using (stream)
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await stream.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }
            }
        }

        return images.Count == 0 ? null : new SignedContent(hash.GetHashAndReset(), PageImages, null, documentId, images.Count);
    }

    /// <summary>The content of an order: its FHIR JSON as the record holds it.</summary>
    public static async Task<SignedContent?> OfOrderAsync(HimDbContext db, Guid orderId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var json = await db.Set<MedicationRequest>().AsNoTracking().Where(m => m.Id == orderId).Select(m => m.Resource).FirstOrDefaultAsync(ct);
        return json is null ? null : new SignedContent(SHA256.HashData(Encoding.UTF8.GetBytes(json)), OrderJson, json, null, 0);
    }
}
