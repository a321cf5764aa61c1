using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Documents.QualityControl;
using HimPortal.Data;
using HimPortal.Data.Documents;
using HimPortal.Tests.Compliance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Documents;

/// <summary>
/// The QA sampler (issue 15 item 6): every filed filing is considered once, however it was filed; all of a clerk's first
/// 200 are drawn, then 10 % by a deterministic draw on the document id; cover-sheet filings by the rate only.
/// </summary>
public sealed class QualitySamplingTests(ComplianceWorld world) : IClassFixture<ComplianceWorld>
{
    internal static readonly AuditActor Scheduler = new(null, "scheduler:documents-qa-sample", [Roles.System], "local", "xunit", null);

    /// <summary>Filed filings without pages or notes: all the sampler reads (documents, filings), in one save.</summary>
    internal static async Task<List<(long Filing, Guid Document)>> FilingsAsync(ComplianceWorld world, Guid? clerk, int count, bool coverSheet = false)
    {
        await using var scope = world.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var now = world.Clock.GetUtcNow();
        var rows = new List<(DocumentFiling Filing, Guid Document)>();
        for (var i = 0; i < count; i++)
        {
            var file = new ReceivedFile
            {
                Id = Guid.CreateVersion7(), Sha256 = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), Source = "upload", ReceivedAt = now,
                OriginalName = "f.pdf", Length = 10, MediaType = "application/pdf", PageCount = 1, Status = ReceivedFileStatus.Split, Stored = true,
            };
            var document = new ScannedDocument
            {
                Id = Guid.CreateVersion7(), ReceivedFileId = file.Id, Status = ScannedDocumentStatus.Filed, ReceivedAt = now, Source = "upload", PageCount = 1,
                DocumentTypeId = DocumentTypeSeed.ProgressNote, IndexedByUserId = coverSheet ? null : clerk, IndexedBy = coverSheet ? "cover-sheet" : "clerk",
                IndexedAt = now,
            };
            var filing = new DocumentFiling
            {
                DocumentId = document.Id, Kind = FilingKinds.Filed, Status = ScannedDocumentStatus.Filed, DocumentTypeId = DocumentTypeSeed.ProgressNote,
                ByUserId = coverSheet ? null : clerk, At = now.AddSeconds(i),
            };
            db.ReceivedFiles.Add(file);
            db.Set<ScannedDocument>().Add(document);
            rows.Add((filing, document.Id));
        }

        await db.SaveChangesAsync();
        foreach (var (filing, _) in rows)
        {
            // One at a time, in order: the filings' ids are in filing order, as the indexing screen writes them.
            db.Set<DocumentFiling>().Add(filing);
            await db.SaveChangesAsync();
        }

        return [.. rows.Select(r => (r.Filing.Id, r.Document))];
    }

    internal static async Task<QualitySampleSummary> SampleAsync(ComplianceWorld world)
    {
        world.Actor.Current = Scheduler;
        var result = await world.RunAsync<QualitySampleSummary, SampleForQualityReviewHandler>(h => h.HandleAsync(new SampleForQualityReviewCommand(), CancellationToken.None));
        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        return result.Value!;
    }

    internal static Task<Dictionary<long, QualityReview>> ReviewsAsync(ComplianceWorld world, IEnumerable<long> filings)
    {
        long[] ids = [.. filings];
        return FiledDocuments.QueryAsync(world, db => db.Set<QualityReview>().AsNoTracking().Where(r => ids.Contains(r.FilingId)).ToDictionaryAsync(r => r.FilingId));
    }

    [Fact]
    public async Task A_clerks_first_200_filings_are_all_drawn_then_one_in_ten_by_the_document_id_and_cover_sheets_by_the_rate()
    {
        var clerk = await world.StaffAsync(Roles.HimClerk);
        var filed = await FilingsAsync(world, clerk.Id, 260);
        var covers = await FilingsAsync(world, null, 150, coverSheet: true);

        var summary = await SampleAsync(world);
        summary.Considered.ShouldBeGreaterThanOrEqualTo(410);

        var reviews = await ReviewsAsync(world, filed.Select(f => f.Filing).Concat(covers.Select(c => c.Filing)));
        reviews.Count.ShouldBe(410, "every filing is considered, drawn or not");
        foreach (var (filing, document) in filed.Take(200))
        {
            reviews[filing].Status.ShouldBe(QualityReviewStatuses.Pending);
            reviews[filing].SampleReason.ShouldBe(QualitySampleReasons.NewClerk);
            reviews[filing].IndexedByUserId.ShouldBe(clerk.Id);
        }

        foreach (var (filing, document) in filed.Skip(200).Concat(covers))
        {
            var drawn = QualitySample.Draws(document, 0.10m);
            reviews[filing].Status.ShouldBe(drawn ? QualityReviewStatuses.Pending : QualityReviewStatuses.NotSampled);
            reviews[filing].SampleReason.ShouldBe(drawn ? QualitySampleReasons.Rate : null);
        }

        covers.ShouldAllBe(c => reviews[c.Filing].IndexedByUserId == null && reviews[c.Filing].IndexedBy == "cover-sheet");

        // Considered once: a second run finds nothing new, and later filings of the same clerk are past the first 200.
        (await SampleAsync(world)).Considered.ShouldBe(0);
        var later = await FilingsAsync(world, clerk.Id, 30);
        (await SampleAsync(world)).Considered.ShouldBe(30);
        var laterReviews = await ReviewsAsync(world, later.Select(l => l.Filing));
        later.ShouldAllBe(l => (laterReviews[l.Filing].Status == QualityReviewStatuses.Pending) == QualitySample.Draws(l.Document, 0.10m));
    }

    [Fact]
    public void The_draw_is_deterministic_and_close_to_the_rate()
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => Guid.NewGuid()).ToList();
        var drawn = ids.Count(id => QualitySample.Draws(id, 0.10m));
        ((double)drawn / ids.Count).ShouldBeInRange(0.09, 0.11);
        ids.Take(100).ShouldAllBe(id => QualitySample.Draws(id, 0.10m) == QualitySample.Draws(id, 0.10m));
        ids.ShouldAllBe(id => !QualitySample.Draws(id, 0m) && QualitySample.Draws(id, 1m));
        // A higher rate keeps every document a lower one drew (the draw is a threshold on one number per document).
        ids.Where(id => QualitySample.Draws(id, 0.10m)).ShouldAllBe(id => QualitySample.Draws(id, 0.25m));
    }
}

/// <summary>The manager's stored QA settings override configuration from the next run; a stale form is refused.</summary>
public sealed class QualitySettingsTests(ComplianceWorld world) : IClassFixture<ComplianceWorld>
{
    [Fact]
    public async Task The_managers_rate_and_new_clerk_count_apply_to_the_next_run_and_a_stale_form_is_refused()
    {
        var manager = await world.StaffAsync(Roles.HimManager);
        world.ActAs(manager);
        var set = await world.RunAsync<bool, UpdateQualitySettingsHandler>(h => h.HandleAsync(new UpdateQualitySettingsCommand(0.5m, 3, null), CancellationToken.None));
        set.IsSuccess.ShouldBeTrue(set.Error?.Message);
        var stale = await world.RunAsync<bool, UpdateQualitySettingsHandler>(h => h.HandleAsync(new UpdateQualitySettingsCommand(0.2m, 3, null), CancellationToken.None));
        stale.Error!.Kind.ShouldBe(Application.Common.ErrorKind.Conflict);

        var clerk = await world.StaffAsync(Roles.HimClerk);
        world.ActAs(clerk);
        var refused = await world.RunAsync<bool, UpdateQualitySettingsHandler>(h => h.HandleAsync(new UpdateQualitySettingsCommand(0.2m, 3, 1), CancellationToken.None));
        refused.Error!.Kind.ShouldBe(Application.Common.ErrorKind.Forbidden);

        var filed = await QualitySamplingTests.FilingsAsync(world, clerk.Id, 40);
        await QualitySamplingTests.SampleAsync(world);
        var reviews = await QualitySamplingTests.ReviewsAsync(world, filed.Select(f => f.Filing));
        filed.Take(3).ShouldAllBe(f => reviews[f.Filing].SampleReason == QualitySampleReasons.NewClerk);
        filed.Skip(3).ShouldAllBe(f => (reviews[f.Filing].Status == QualityReviewStatuses.Pending) == QualitySample.Draws(f.Document, 0.5m));
    }
}
