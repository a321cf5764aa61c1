using HimPortal.Application.Access;
using HimPortal.Application.Documents.FileDocument;
using HimPortal.Data;
using HimPortal.Data.Documents;
using HimPortal.Documents.Synthetic;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Portal;

/// <param name="DocumentId">The scanned document (documents.documents).</param>
/// <param name="NoteId">Its DocumentReference in the patient's record.</param>
public sealed record IndexedScan(Guid DocumentId, Guid NoteId, int Pages);

/// <summary>
/// Scanned documents as intake makes them, for the portal's tests: a synthetic fax (SYNTHETIC-labelled note text made
/// into a G4 TIFF), captured and rendered as intake does (<see cref="RenderedPages"/>), then indexed to the patient by a
/// HIM clerk through <see cref="FileDocumentHandler"/>, the indexing screen's own handler.
/// </summary>
internal static class IndexedScans
{
    public static async Task<IndexedScan> FileAsync(TestDatabase database, Guid patientId, string text, int seed = 19, IReadOnlyList<string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var documentId = await QueueAsync(database, text, seed);
        var actor = new TestActor();
        await using var services = database.Services(actor);
        var clerk = await Personas.CreateAsync(services, Roles.HimClerk);
        actor.ActAs(clerk.Id, clerk.Email, Roles.HimClerk);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var document = await db.Set<ScannedDocument>().AsNoTracking().SingleAsync(d => d.Id == documentId);
        var filed = await scope.ServiceProvider.GetRequiredService<FileDocumentHandler>().HandleAsync(new FileDocumentCommand(
            documentId, document.Version, patientId, null, DocumentTypeSeed.Correspondence, new DateOnly(2026, 11, 2), null,
            "Dr. Outside Clinic", false, null, labels ?? []), CancellationToken.None);
        filed.Error.ShouldBeNull();
        return new IndexedScan(documentId, filed.Value!.ClinicalNoteId, document.PageCount);
    }

    /// <summary>A synthetic fax captured and rendered into the indexing queue, not filed: its document's id.</summary>
    public static async Task<Guid> QueueAsync(TestDatabase database, string text, int seed = 23)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var services = database.Services();
        var pdf = SyntheticDocuments.NotePdf(new SyntheaNote("synthetic", "Synthetic Person", "11506-3", "Progress note", null, text));
        var fileId = await RenderedPages.CaptureAndRenderAsync(services, new SyntheticDocuments(seed).FaxTiff(pdf, FaxResolution.Fine), $"synthetic-portal-{seed}.tif");
        return await database.ScalarAsync<Guid>($"SELECT id FROM documents.documents WHERE received_file_id = '{fileId}'");
    }
}
