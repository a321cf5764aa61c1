using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Documents.QualityControl;

public sealed record SampleForQualityReviewCommand;

public sealed record QualitySampleSummary(int Considered, int Drawn);

/// <summary>
/// Considers every <c>filed</c> filing not yet considered, oldest first, whoever or whatever filed it (a clerk, a cover
/// sheet), and draws the ones to review: all of an indexer's first <see cref="QualitySettings.NewClerkDocuments"/>,
/// then <see cref="QualitySettings.Rate"/> of them by <see cref="QualitySample"/>. A cover-sheet filing is the system's:
/// drawn at the rate, never as a new clerk's. Each filing gets one documents.quality_reviews row, drawn or not, so it is
/// considered once; runs are serialised by an advisory lock, so two nodes never count the same clerk's filings twice.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class SampleForQualityReviewHandler(
    PermissionCheck permissions, HimDbContext db, AccessAudit audit, IOptions<DocumentsOptions> options, TimeProvider clock)
    : Handler<SampleForQualityReviewCommand, Result<QualitySampleSummary>>(permissions)
{
    /// <summary>The advisory-lock key of the sampler (issue 15, item 6).</summary>
    private const long LockKey = 15_006;

    public const string CoverSheet = "cover-sheet";

    protected override Task<Result<QualitySampleSummary>> ExecuteAsync(SampleForQualityReviewCommand command, CancellationToken ct) =>
        db.InTransactionAsync(async token =>
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", token);
            var settings = await QualitySettings.CurrentAsync(db, options.Value.QualityReview, token);
            var filings = await db.Set<DocumentFiling>().AsNoTracking()
                .Where(f => f.Kind == FilingKinds.Filed && !db.Set<QualityReview>().Any(r => r.FilingId == f.Id))
                .OrderBy(f => f.Id)
                .Take(options.Value.QualityReview.BatchSize)
                .Join(db.Set<ScannedDocument>(), f => f.DocumentId, d => d.Id, (f, d) => new
                {
                    f.Id, f.DocumentId, f.ByUserId, f.DocumentTypeId, f.At, d.IndexedBy, d.IndexedByUserId,
                })
                .ToListAsync(token);
            if (filings.Count == 0)
            {
                return Result<QualitySampleSummary>.Success(new QualitySampleSummary(0, 0));
            }

            var indexers = filings.Where(f => f.IndexedBy != CoverSheet).Select(f => f.ByUserId ?? f.IndexedByUserId)
                .OfType<Guid>().Distinct().ToList();
            var counts = await db.Set<QualityReview>().Where(r => r.IndexedByUserId != null && indexers.Contains(r.IndexedByUserId.Value))
                .GroupBy(r => r.IndexedByUserId!.Value).Select(g => new { g.Key, Count = g.Count() })
                .ToDictionaryAsync(g => g.Key, g => g.Count, token);
            var now = clock.GetUtcNow();
            var drawn = 0;
            foreach (var filing in filings)
            {
                var coverSheet = filing.IndexedBy == CoverSheet;
                var indexer = coverSheet ? null : filing.ByUserId ?? filing.IndexedByUserId;
                string? reason = null;
                if (indexer is { } clerk)
                {
                    var earlier = counts.GetValueOrDefault(clerk);
                    counts[clerk] = earlier + 1;
                    if (earlier < settings.NewClerkDocuments)
                    {
                        reason = QualitySampleReasons.NewClerk;
                    }
                }

                if (reason is null && QualitySample.Draws(filing.DocumentId, settings.Rate))
                {
                    reason = QualitySampleReasons.Rate;
                }

                drawn += reason is null ? 0 : 1;
                db.Set<QualityReview>().Add(new QualityReview
                {
                    Id = Guid.CreateVersion7(now),
                    FilingId = filing.Id,
                    DocumentId = filing.DocumentId,
                    IndexedByUserId = indexer,
                    IndexedBy = filing.IndexedBy ?? "clerk",
                    DocumentTypeId = filing.DocumentTypeId,
                    FiledAt = filing.At,
                    ConsideredAt = now,
                    Status = reason is null ? QualityReviewStatuses.NotSampled : QualityReviewStatuses.Pending,
                    SampleReason = reason,
                });
            }

            await db.SaveChangesAsync(token);
            // No patient data is read or shown here; the row records that the QA sample moved (ids and counts only).
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "QualityReview",
                Details: $"qa sample; considered={filings.Count}; drawn={drawn}; rate={settings.Rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}; new-clerk={settings.NewClerkDocuments}"), token);
            return Result<QualitySampleSummary>.Success(new QualitySampleSummary(filings.Count, drawn));
        }, ct);
}

/// <summary>The "documents-qa-sample" schedule's work (each minute, as the scheduler): one sampler run.</summary>
[JobKind(Kind)]
public sealed class QualitySampleJob(SampleForQualityReviewHandler sample) : IJobWork
{
    public const string Kind = "documents.qa-sample";

    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var result = await sample.HandleAsync(new SampleForQualityReviewCommand(), ct);
        if (result.Error is { } refused)
        {
            job.FailureMessage = refused.Message;
            return JobOutcome.Failed;
        }

        job.Report(result.Value!.Considered, result.Value.Considered, $"{result.Value.Drawn} of {result.Value.Considered} filing(s) drawn for QA");
        return JobOutcome.Succeeded;
    }
}
