using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Documents.RetryHeld;

public sealed record RetryHeldDocumentsCommand;

/// <summary>
/// Documents held because their patient was not found (not yet registered, issue 15 item 3) go back to the indexing queue
/// once they have waited <see cref="DocumentsOptions.HeldRetryAfter"/>, oldest first, with the reason they were held: the
/// patient may be registered by now, and the indexing screen's suggestions look again. Never deleted, never filed here;
/// each return is a filing row and an audit row, in one transaction, a batch at a time. Concurrent clerk edits win: a
/// row changed since it was read is left for the next run.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class RetryHeldDocumentsHandler(
    PermissionCheck permissions, HimDbContext db, AccessAudit audit, IOptions<DocumentsOptions> options, TimeProvider clock)
    : Handler<RetryHeldDocumentsCommand, Result<int>>(permissions)
{
    private const int Batch = 500;

    protected override async Task<Result<int>> ExecuteAsync(RetryHeldDocumentsCommand command, CancellationToken ct)
    {
        try
        {
            return await db.InTransactionAsync(async token =>
            {
                var now = clock.GetUtcNow();
                var heldBefore = now - options.Value.HeldRetryAfter;
                var held = await db.Set<ScannedDocument>()
                    .Where(d => d.Status == ScannedDocumentStatus.Held && d.IndexedAt != null && d.IndexedAt <= heldBefore)
                    .OrderBy(d => d.IndexedAt).ThenBy(d => d.Id)
                    .Take(Batch)
                    .ToListAsync(token);
                foreach (var document in held)
                {
                    var reason = $"Held on {document.IndexedAt:yyyy-MM-dd} ({document.Reason}): back in the queue to look for the patient again.";
                    document.Status = ScannedDocumentStatus.Unindexed;
                    document.Reason = reason.Length <= 1000 ? reason : reason[..1000];
                    db.Add(Indexing.Filing(document, FilingKinds.Dispositioned, null, now, "held document returned to the queue"));
                }

                await db.SaveChangesAsync(token);
                foreach (var document in held)
                {
                    await audit.RecordAsync(Indexing.Changed(document, "held document returned to the queue"), token);
                }

                return Result<int>.Success(held.Count);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Result<int>.Success(0);
        }
    }
}

/// <summary>The hourly return of held documents to the queue (schedule documents-held-retry), as the scheduler.</summary>
[JobKind(Kind)]
public sealed class RetryHeldDocumentsJob(RetryHeldDocumentsHandler retry) : IJobWork
{
    public const string Kind = "documents.retry-held";

    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var result = await retry.HandleAsync(new RetryHeldDocumentsCommand(), ct);
        if (result.Error is { } refused)
        {
            job.FailureMessage = refused.Message;
            return JobOutcome.Failed;
        }

        job.Report(result.Value, result.Value, $"{result.Value} held document(s) back in the queue");
        return JobOutcome.Succeeded;
    }
}
