using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Documents.QualityControl;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using HimPortal.Tests.Compliance;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Tests.Documents;

/// <summary>
/// The QA review (issue 15 item 6): another clerk confirms or corrects a drawn filing; the indexer never reviews their
/// own (refused, audited); a correction of type revises the DocumentReference in place; stale versions are refused.
/// </summary>
public sealed class QualityReviewTests(ComplianceWorld world) : IClassFixture<ComplianceWorld>
{
    /// <summary>A document filed by a new clerk (so drawn), sampled; returns it with its review's id.</summary>
    private async Task<(SeededFiling Document, Guid Review, StaffMember Indexer, Guid Patient)> DrawnAsync()
    {
        var patient = await world.PatientAsync("Quinn", "Ality");
        var indexer = await world.StaffAsync(Roles.HimClerk);
        var document = await FiledDocuments.FileAsync(world, patient, indexer);
        await QualitySamplingTests.SampleAsync(world);
        var review = (await QualitySamplingTests.ReviewsAsync(world, [document.FilingId]))[document.FilingId];
        review.Status.ShouldBe(QualityReviewStatuses.Pending);
        return (document, review.Id, indexer, patient);
    }

    private async Task<QualityReviewView> OpenAsync(StaffMember reviewer, Guid review)
    {
        world.ActAs(reviewer);
        var view = await world.RunAsync<QualityReviewView, GetQualityReviewHandler>(h => h.HandleAsync(new GetQualityReviewQuery(review), CancellationToken.None));
        view.IsSuccess.ShouldBeTrue(view.Error?.Message);
        return view.Value!;
    }

    private Task<Result<QualityReviewDone>> CompleteAsync(StaffMember reviewer, CompleteQualityReviewCommand command)
    {
        world.ActAs(reviewer);
        return world.RunAsync<QualityReviewDone, CompleteQualityReviewHandler>(h => h.HandleAsync(command, CancellationToken.None));
    }

    [Fact]
    public async Task The_clerk_who_indexed_a_document_cannot_open_or_complete_its_review_and_the_refusal_is_audited()
    {
        var (document, review, indexer, _) = await DrawnAsync();
        world.ActAs(indexer);
        var open = await world.RunAsync<QualityReviewView, GetQualityReviewHandler>(h => h.HandleAsync(new GetQualityReviewQuery(review), CancellationToken.None));
        open.Error.ShouldBe(QualityErrors.OwnWork);
        var page = await world.RunAsync<PageImage, GetQualityReviewPageHandler>(h => h.HandleAsync(new GetQualityReviewPageQuery(review, 1), CancellationToken.None));
        page.Error.ShouldBe(QualityErrors.OwnWork);
        var done = await CompleteAsync(indexer, new CompleteQualityReviewCommand(review, 0, 0, QualityOutcomes.Confirm));
        done.Error.ShouldBe(QualityErrors.OwnWork);

        var denials = await FiledDocuments.QueryAsync(world, db => db.AccessEvents.AsNoTracking()
            .Where(e => e.ResourceId == document.Id.ToString("D") && e.Outcome == AuditOutcome.Denied && e.UserId == indexer.Id).CountAsync());
        denials.ShouldBe(3);

        world.ActAs(indexer);
        var queue = await world.RunAsync<QualityQueue, ListQualityReviewsHandler>(h => h.HandleAsync(new ListQualityReviewsQuery(PageSize: 200), CancellationToken.None));
        queue.Value!.Items.ShouldContain(i => i.ReviewId == review && i.Mine);
    }

    [Fact]
    public async Task Another_clerk_confirms_once_and_the_page_views_are_audited_in_the_quality_review_place()
    {
        var (document, review, _, patient) = await DrawnAsync();
        var reviewer = await world.StaffAsync(Roles.HimClerk);
        var view = await OpenAsync(reviewer, review);
        view.PatientId.ShouldBe(patient);
        view.Pages.Count.ShouldBe(2);
        view.TypeName.ShouldBe("Progress note");

        var image = await world.RunAsync<PageImage, GetQualityReviewPageHandler>(h => h.HandleAsync(new GetQualityReviewPageQuery(review, 2), CancellationToken.None));
        image.IsSuccess.ShouldBeTrue(image.Error?.Message);
        image.Value!.Png[..4].ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47 });
        var viewRow = await FiledDocuments.QueryAsync(world, db => db.AccessEvents.AsNoTracking()
            .SingleAsync(e => e.ResourceType == ScannedDocumentAudit.ResourceType && e.ResourceId == document.Id.ToString("D") && e.UserId == reviewer.Id
                              && e.Details == "quality-review; page=2"));
        viewRow.PatientId.ShouldBe(patient);
        viewRow.Purpose.ShouldBe(ScannedDocumentAudit.OperationsPurpose);

        var done = await CompleteAsync(reviewer, new CompleteQualityReviewCommand(review, view.ReviewVersion, view.DocumentVersion, QualityOutcomes.Confirm));
        done.Value!.Status.ShouldBe(QualityReviewStatuses.Confirmed);
        var again = await CompleteAsync(reviewer, new CompleteQualityReviewCommand(review, view.ReviewVersion, view.DocumentVersion, QualityOutcomes.Confirm));
        again.Error.ShouldBe(QualityErrors.NotPending);
    }

    [Fact]
    public async Task A_corrected_type_and_date_revise_the_document_reference_in_the_same_record_with_a_corrected_filing()
    {
        var (document, review, _, patient) = await DrawnAsync();
        var reviewer = await world.StaffAsync(Roles.HimClerk);
        var view = await OpenAsync(reviewer, review);
        var date = new DateOnly(2026, 11, 2);
        var done = await CompleteAsync(reviewer, new CompleteQualityReviewCommand(review, view.ReviewVersion, view.DocumentVersion, QualityOutcomes.Correct,
            null, DocumentTypeSeed.DischargeSummary, date, view.Author, view.BearsSignature, view.SignedAt, "It is a discharge summary."));
        done.IsSuccess.ShouldBeTrue(done.Error?.Message);
        done.Value!.Corrections.ShouldBe("type,date");

        var (note, scanned, filings) = await FiledDocuments.QueryAsync(world, async db => (
            await db.Set<ClinicalNote>().AsNoTracking().SingleAsync(n => n.Id == document.NoteId),
            await db.Set<ScannedDocument>().AsNoTracking().SingleAsync(d => d.Id == document.Id),
            await db.Set<DocumentFiling>().AsNoTracking().Where(f => f.DocumentId == document.Id).OrderBy(f => f.Id).ToListAsync()));
        note.PatientId.ShouldBe(patient);
        note.TypeCode.ShouldBe("18842-5");
        note.Resource.ShouldContain("Discharge summary");
        scanned.DocumentTypeId.ShouldBe(DocumentTypeSeed.DischargeSummary);
        scanned.DocumentDate.ShouldBe(date);
        var corrected = filings.Last();
        corrected.Kind.ShouldBe(FilingKinds.Corrected);
        corrected.PreviousDocumentTypeId.ShouldBe(DocumentTypeSeed.ProgressNote);
        corrected.DocumentTypeId.ShouldBe(DocumentTypeSeed.DischargeSummary);
        corrected.ByUserId.ShouldBe(reviewer.Id);
    }

    [Fact]
    public async Task A_review_completed_by_someone_else_meanwhile_is_refused_as_stale()
    {
        var (_, review, _, _) = await DrawnAsync();
        var first = await world.StaffAsync(Roles.HimClerk);
        var second = await world.StaffAsync(Roles.HimManager);
        var seenByFirst = await OpenAsync(first, review);
        var seenBySecond = await OpenAsync(second, review);
        (await CompleteAsync(second, new CompleteQualityReviewCommand(review, seenBySecond.ReviewVersion, seenBySecond.DocumentVersion, QualityOutcomes.Correct,
            null, DocumentTypeSeed.Consent, seenBySecond.DocumentDate, seenBySecond.Author, seenBySecond.BearsSignature, null))).IsSuccess.ShouldBeTrue();
        var late = await CompleteAsync(first, new CompleteQualityReviewCommand(review, seenByFirst.ReviewVersion, seenByFirst.DocumentVersion, QualityOutcomes.Confirm));
        late.Error!.Kind.ShouldBe(ErrorKind.Conflict);
    }

    [Fact]
    public async Task The_managers_figures_count_corrections_per_clerk_and_type_and_the_backlog()
    {
        var (_, review, indexer, _) = await DrawnAsync();
        var reviewer = await world.StaffAsync(Roles.HimClerk);
        var view = await OpenAsync(reviewer, review);
        (await CompleteAsync(reviewer, new CompleteQualityReviewCommand(review, view.ReviewVersion, view.DocumentVersion, QualityOutcomes.Correct,
            null, DocumentTypeSeed.Consent, view.DocumentDate, view.Author, view.BearsSignature, null))).IsSuccess.ShouldBeTrue();
        await DrawnAsync();

        var manager = await world.StaffAsync(Roles.HimManager);
        world.ActAs(manager);
        var figures = (await world.RunAsync<QualityFigures, GetQualityFiguresHandler>(h => h.HandleAsync(new GetQualityFiguresQuery(), CancellationToken.None))).Value!;
        figures.ByClerk.ShouldContain(c => c.Label == "Test " + Roles.HimClerk && c.Corrected > 0 && c.Rate > 0);
        figures.ByType.ShouldContain(t => t.Label == "Progress note" && t.Corrected >= 1);
        figures.Backlog.ShouldBeGreaterThanOrEqualTo(1);
        figures.OldestAge.ShouldNotBeNull();
        figures.Weeks.Count.ShouldBe(12);
        figures.Weeks[^1].Corrected.ShouldBeGreaterThanOrEqualTo(1);
        figures.BacklogByDay[^1].Waiting.ShouldBe(figures.Backlog);
        _ = indexer;

        world.ActAs(reviewer);
        var refused = await world.RunAsync<QualityFigures, GetQualityFiguresHandler>(h => h.HandleAsync(new GetQualityFiguresQuery(), CancellationToken.None));
        refused.Error!.Kind.ShouldBe(ErrorKind.Forbidden);
    }
}
