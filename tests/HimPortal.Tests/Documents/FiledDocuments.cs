using System.Security.Cryptography;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Documents;
using HimPortal.Documents.Imaging;
using HimPortal.Tests.Compliance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Documents;

public sealed record SeededFiling(Guid Id, Guid PatientId, Guid NoteId, long FilingId);

/// <summary>
/// Filed scanned documents as the render and indexing branches will leave them, made directly until those merge: a
/// received file, pages with PNG images in the document store, the document with its pages, the DocumentReference filed
/// by <see cref="ClinicalRecordWriter.FileScannedDocumentAsync"/>, and the <c>filed</c> filing row; and page views
/// written exactly as <see cref="ScannedDocumentAudit"/> says.
/// </summary>
public static class FiledDocuments
{
    public static async Task<SeededFiling> FileAsync(ComplianceWorld world, Guid patient, StaffMember? clerk, int pages = 2,
        Guid? type = null, Guid? encounter = null, bool coverSheet = false)
    {
        ArgumentNullException.ThrowIfNull(world);
        var now = world.Clock.GetUtcNow();
        var filed = await FileAsync(world.Services, now, patient, clerk?.Id, pages, type, encounter, coverSheet);
        if (clerk is not null && !coverSheet)
        {
            await world.EventAsync(clerk, now.AddMinutes(-5), ScannedDocumentAudit.PageView(filed.Id, null, ScannedDocumentAudit.Places.Indexing, 1,
                ScannedDocumentAudit.OperationsPurpose));
        }

        return filed;
    }

    /// <summary>The same, on any host's services (the web app's in page tests), filed at <paramref name="now"/> by <paramref name="clerkId"/>.</summary>
    public static async Task<SeededFiling> FileAsync(IServiceProvider services, DateTimeOffset now, Guid patient, Guid? clerkId, int pages = 2,
        Guid? type = null, Guid? encounter = null, bool coverSheet = false)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();
        var fileId = Guid.CreateVersion7();
        db.ReceivedFiles.Add(new ReceivedFile
        {
            Id = fileId,
            Sha256 = RandomNumberGenerator.GetBytes(32),
            Source = coverSheet ? "scanner-1" : "upload",
            ReceivedAt = now.AddHours(-1),
            OriginalName = "scan.pdf",
            Length = 1000,
            MediaType = "application/pdf",
            PageCount = pages,
            Status = ReceivedFileStatus.Split,
            Stored = true,
        });
        var pageIds = new List<Guid>();
        for (var n = 1; n <= pages; n++)
        {
            var image = new GrayImage(40, 52, 10, 10);
            var imageId = Guid.CreateVersion7();
            await store.PutAsync(imageId, new MemoryStream(Png.Encode(image)), CancellationToken.None);
            var pageId = Guid.CreateVersion7();
            pageIds.Add(pageId);
            db.Set<DocumentPage>().Add(new DocumentPage
            {
                Id = pageId, ReceivedFileId = fileId, Number = n, ImageObjectId = imageId, ThumbnailObjectId = imageId,
                WidthPixels = 40, HeightPixels = 52, RenderedAt = now, OcrStatus = PageOcrStatus.NotNeeded,
            });
        }

        var documentId = Guid.CreateVersion7();
        var typeId = type ?? DocumentTypeSeed.ProgressNote;
        var document = new ScannedDocument
        {
            Id = documentId, ReceivedFileId = fileId, Status = ScannedDocumentStatus.Unindexed, ReceivedAt = now.AddHours(-1), Source = "upload",
            PageCount = pages,
        };
        db.Set<ScannedDocument>().Add(document);
        await db.SaveChangesAsync();
        for (var i = 0; i < pageIds.Count; i++)
        {
            db.Set<ScannedDocumentPage>().Add(new ScannedDocumentPage { DocumentId = documentId, PageId = pageIds[i], Ordinal = i });
        }

        await db.SaveChangesAsync();
        var typeRow = await db.Set<DocumentType>().SingleAsync(t => t.Id == typeId);
        var filing = await db.InTransactionAsync(async token =>
        {
            document.Status = ScannedDocumentStatus.Filed;
            document.PatientId = patient;
            document.EncounterId = encounter;
            document.DocumentTypeId = typeId;
            document.DocumentDate = DateOnly.FromDateTime(now.AddDays(-3).UtcDateTime);
            document.Author = "Dr Outside";
            document.BearsSignature = true;
            // The DocumentReference as filing writes it, from the document's fields (FileDocument does the same).
            var noteId = await ClinicalRecordWriter.FileScannedDocumentAsync(db,
                await HimPortal.Application.Documents.Indexing.NoteAsync(db, scope.ServiceProvider.GetRequiredService<HospitalTime>(), document, token), now, token);
            document.ClinicalNoteId = noteId;
            document.IndexedByUserId = coverSheet ? null : clerkId;
            document.IndexedAt = now;
            document.IndexedBy = coverSheet ? "cover-sheet" : "clerk";
            var row = new DocumentFiling
            {
                DocumentId = documentId, Kind = FilingKinds.Filed, Status = ScannedDocumentStatus.Filed, PatientId = patient, EncounterId = encounter,
                DocumentTypeId = typeId, ClinicalNoteId = noteId, ByUserId = coverSheet ? null : clerkId, At = now,
            };
            db.Set<DocumentFiling>().Add(row);
            await db.SaveChangesAsync(token);
            return (noteId, row.Id);
        }, CancellationToken.None);
        return new SeededFiling(documentId, patient, filing.noteId, filing.Item2);
    }

    /// <summary>A page view of the document under <paramref name="patient"/>, as the page viewer of <paramref name="place"/> writes it.</summary>
    public static Task ViewAsync(ComplianceWorld world, StaffMember who, SeededFiling document, Guid? patient, string place, DateTimeOffset at,
        int page = 1, string purpose = "TREAT") =>
        world.EventAsync(who, at, ScannedDocumentAudit.PageView(document.Id, patient, place, page, purpose));

    public static async Task<uint> VersionAsync(ComplianceWorld world, Guid documentId)
    {
        await using var scope = world.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HimDbContext>().Set<ScannedDocument>().Where(d => d.Id == documentId)
            .Select(d => d.Version).SingleAsync();
    }

    public static async Task<T> QueryAsync<T>(ComplianceWorld world, Func<HimDbContext, Task<T>> read)
    {
        await using var scope = world.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<HimDbContext>());
    }

    /// <summary>Acts as <paramref name="who"/> for the next handler calls.</summary>
    public static void ActAs(this ComplianceWorld world, StaffMember who) => world.Actor.ActAs(who.Id, who.Email, who.Role);

    public static async Task<Result<T>> RunAsync<T, THandler>(this ComplianceWorld world, Func<THandler, Task<Result<T>>> work)
        where THandler : notnull
    {
        await using var scope = world.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<THandler>());
    }
}
