using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.MergeDocuments;

/// <param name="OtherId">The waiting document whose pages are appended to this one (of the same file or another).</param>
public sealed record MergeDocumentsCommand(Guid DocumentId, uint Version, Guid OtherId, uint OtherVersion);

public sealed class MergeDocumentsValidator : AbstractValidator<MergeDocumentsCommand>
{
    public MergeDocumentsValidator()
    {
        RuleFor(c => c.DocumentId).NotEmpty();
        RuleFor(c => c.OtherId).NotEmpty().WithMessage("Choose the document to merge.")
            .NotEqual(c => c.DocumentId).WithMessage("A document cannot be merged with itself.");
    }
}

/// <summary>
/// Merges two waiting documents: the other's pages follow this one's, and the other, now empty, is kept with the status
/// merged (never deleted) and its history says where its pages went. Both versions are checked: a stale form changes nothing.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class MergeDocumentsHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<MergeDocumentsCommand> validator,
    TimeProvider clock) : Handler<MergeDocumentsCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(MergeDocumentsCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync<Result<Guid>>(async token =>
            {
                var opened = await Indexing.OpenWaitingAsync(db, command.DocumentId, command.Version, token);
                if (!opened.IsSuccess)
                {
                    return opened.Error!;
                }

                var other = await Indexing.OpenWaitingAsync(db, command.OtherId, command.OtherVersion, token);
                if (!other.IsSuccess)
                {
                    return other.Error!;
                }

                var document = opened.Value!;
                var merged = other.Value!;
                var pages = await Indexing.PagesAsync(db, document.Id, token);
                var moved = await Indexing.PagesAsync(db, merged.Id, token);
                var now = clock.GetUtcNow();
                var userId = actors.Current.UserId;
                document.PageCount = pages.Count + moved.Count;
                merged.PageCount = 0;
                merged.Status = ScannedDocumentStatus.Merged;
                merged.Reason = $"Merged into {document.Id:D}";
                await db.SaveChangesAsync(token);
                await Indexing.LayOutAsync(db, new Dictionary<Guid, List<ScannedDocumentPage>> { [document.Id] = [.. pages, .. moved], [merged.Id] = [] }, token);
                db.Add(Indexing.Filing(document, FilingKinds.Merged, userId, now, $"merged {merged.Id:D} into it"));
                db.Add(Indexing.Filing(merged, FilingKinds.Merged, userId, now, merged.Reason));
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(Indexing.Changed(document, $"merged {merged.Id:D} ({moved.Count} page(s))"), token);
                return Result<Guid>.Success(document.Id);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return IndexingErrors.Stale;
        }
    }
}
