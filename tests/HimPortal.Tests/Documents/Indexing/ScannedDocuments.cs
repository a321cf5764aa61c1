using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Documents;
using HimPortal.Documents.Imaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Documents.Indexing;

/// <summary>
/// A received file already split into rendered pages, as the render worker (another branch) leaves it: the file's row,
/// a PNG image and thumbnail per page in the document store, the pages, and the file's first unindexed document of all
/// its pages. Rendering itself is not done here.
/// </summary>
internal static class ScannedDocuments
{
    public static async Task<Guid> CreateAsync(IServiceProvider services, int pages, string source = "fax", DateTimeOffset? receivedAt = null,
        ScannedDocumentStatus status = ScannedDocumentStatus.Unindexed, int[]? blank = null)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();
        var at = receivedAt ?? DateTimeOffset.UtcNow;
        var file = new ReceivedFile
        {
            Id = Guid.CreateVersion7(),
            Source = source,
            ReceivedAt = at,
            OriginalName = "test-scan.tif",
            Length = 1000,
            MediaType = "image/tiff",
            PageCount = pages,
            Status = ReceivedFileStatus.Split,
        };
        db.ReceivedFiles.Add(file);
        var document = new ScannedDocument
        {
            Id = Guid.CreateVersion7(),
            ReceivedFileId = file.Id,
            Status = status,
            ReceivedAt = at,
            Source = source,
            PageCount = pages,
        };
        db.Add(document);
        var rows = new List<DocumentPage>();
        for (var n = 1; n <= pages; n++)
        {
            var isBlank = blank?.Contains(n) == true;
            var image = Png.Encode(Page(n, isBlank));
            var imageId = Guid.CreateVersion7();
            var thumbnailId = Guid.CreateVersion7();
            await store.PutAsync(imageId, new MemoryStream(image), CancellationToken.None);
            await store.PutAsync(thumbnailId, new MemoryStream(image), CancellationToken.None);
            rows.Add(new DocumentPage
            {
                Id = Guid.CreateVersion7(),
                ReceivedFileId = file.Id,
                Number = n,
                ImageObjectId = imageId,
                ThumbnailObjectId = thumbnailId,
                WidthPixels = 85,
                HeightPixels = 110,
                LooksBlank = isBlank,
                OcrStatus = PageOcrStatus.NotNeeded,
                RenderedAt = at,
            });
        }

        db.AddRange(rows);
        await db.SaveChangesAsync();
        db.AddRange(rows.Select((p, i) => new ScannedDocumentPage { DocumentId = document.Id, PageId = p.Id, Ordinal = i }));
        await db.SaveChangesAsync();
        return document.Id;
    }

    /// <summary>A small white page with a black bar per page number (so pages differ), or nothing on it.</summary>
    private static GrayImage Page(int number, bool blank)
    {
        var image = new GrayImage(85, 110, 10, 10);
        Array.Fill(image.Pixels, (byte)255);
        if (!blank)
        {
            for (var y = 10; y < 10 + (number * 5) && y < 100; y++)
            {
                for (var x = 10; x < 70; x++)
                {
                    image.Pixels[(y * 85) + x] = 0;
                }
            }
        }

        return image;
    }

    public static async Task<ScannedDocument> ReadAsync(IServiceProvider services, Guid documentId)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HimDbContext>().Set<ScannedDocument>().AsNoTracking().SingleAsync(d => d.Id == documentId);
    }
}
