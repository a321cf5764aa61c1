using HimPortal.Application.Common;
using HimPortal.Application.Documents.CaptureFiles;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Documents;
using HimPortal.Documents.Imaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Documents;

/// <summary>
/// Stands in for the render worker (branch docs-render) until it lands: captures a file as the importer does, then puts
/// its pages in the store as PNG images with square pixels (a 204×98 fax stretched), adds their documents.pages rows and
/// the file's first unindexed document of all its pages, and marks the file split. Only for HimPortal's own test files.
/// </summary>
internal static class RenderedPages
{
    public static async Task<Guid> CaptureAndRenderAsync(IServiceProvider services, byte[] bytes, string name, string source = "fax-server")
    {
        var path = Path.Combine(Path.GetTempPath(), $"himportal-{Guid.NewGuid():N}-{name}");
        await File.WriteAllBytesAsync(path, bytes);
        Guid fileId;
        try
        {
            await using var scope = services.CreateAsyncScope();
            var captured = await scope.ServiceProvider.GetRequiredService<CaptureFilesHandler>()
                .HandleAsync(new CaptureFilesCommand([new IncomingFile(path, name)], source), CancellationToken.None);
            var file = captured.Value!.Files.ShouldHaveSingleItem();
            file.Ok.ShouldBeTrue(file.Error);
            fileId = file.DocumentId!.Value;
        }
        finally
        {
            File.Delete(path);
        }

        await RenderAsync(services, fileId, bytes);
        return fileId;
    }

    public static async Task RenderAsync(IServiceProvider services, Guid fileId, byte[] bytes)
    {
        var images = bytes.AsSpan(0, 4).SequenceEqual("%PDF"u8)
            ? Enumerable.Range(0, PdfRasterizer.PageCount(bytes)).Select(i => PdfRasterizer.Render(bytes, i, 150, 150)).ToList()
            : Enumerable.Range(0, G4Tiff.Describe(bytes).Count).Select(i => G4Tiff.ReadPage(bytes, i).WithSquarePixels()).ToList();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();
        await db.InTransactionAsync(async ct =>
        {
            var file = await db.ReceivedFiles.SingleAsync(f => f.Id == fileId, ct);
            var document = new ScannedDocument
            {
                Id = Guid.CreateVersion7(),
                ReceivedFileId = fileId,
                Status = ScannedDocumentStatus.Unindexed,
                ReceivedAt = file.ReceivedAt,
                Source = file.Source,
                PageCount = images.Count,
            };
            db.Set<ScannedDocument>().Add(document);
            for (var i = 0; i < images.Count; i++)
            {
                var imageId = Guid.CreateVersion7();
                await using (var png = new MemoryStream(Png.Encode(images[i])))
                {
                    await store.PutAsync(imageId, png, ct);
                }

                var page = new DocumentPage
                {
                    Id = Guid.CreateVersion7(),
                    ReceivedFileId = fileId,
                    Number = i + 1,
                    ImageObjectId = imageId,
                    WidthPixels = images[i].Width,
                    HeightPixels = images[i].Height,
                    TextSource = PageTextSource.None,
                    OcrStatus = PageOcrStatus.NotNeeded,
                    RenderedAt = DateTimeOffset.UtcNow,
                };
                db.Set<DocumentPage>().Add(page);
                db.Set<ScannedDocumentPage>().Add(new ScannedDocumentPage { DocumentId = document.Id, PageId = page.Id, Ordinal = i });
            }

            file.Status = ReceivedFileStatus.Split;
            await db.SaveChangesAsync(ct);
            return true;
        }, CancellationToken.None);
    }
}
