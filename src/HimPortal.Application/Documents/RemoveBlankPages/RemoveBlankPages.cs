using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;

namespace HimPortal.Application.Documents.RemoveBlankPages;

public sealed record RemoveBlankPagesCommand(Guid DocumentId, uint Version, IReadOnlyList<Guid> PageIds);

public sealed class RemoveBlankPagesValidator : AbstractValidator<RemoveBlankPagesCommand>
{
    public RemoveBlankPagesValidator()
    {
        RuleFor(c => c.DocumentId).NotEmpty();
        RuleFor(c => c.PageIds).NotEmpty().WithMessage("Tick the blank pages to remove.");
    }
}

/// <summary>
/// Takes blank pages out of a document into a new document with the status blank: set aside, never deleted (the file is
/// kept whole). A document cannot lose all its pages this way: a wholly blank document is dispositioned blank instead.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class RemoveBlankPagesHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<RemoveBlankPagesCommand> validator,
    TimeProvider clock) : Handler<RemoveBlankPagesCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(RemoveBlankPagesCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await Indexing.ChangeWaitingAsync(db, validator, command, command.DocumentId, command.Version, async (document, token) =>
        {
            var pages = await Indexing.PagesAsync(db, document.Id, token);
            var remove = command.PageIds.ToHashSet();
            if (!remove.All(id => pages.Any(p => p.PageId == id)))
            {
                return Error.Invalid("Tick pages of this document.", nameof(command.PageIds));
            }

            if (remove.Count == pages.Count)
            {
                return Error.Invalid("Every page would go: disposition the whole document as blank instead.", nameof(command.PageIds));
            }

            var now = clock.GetUtcNow();
            var userId = actors.Current.UserId;
            var blank = Indexing.CutFrom(document, ScannedDocumentStatus.Blank, remove.Count, $"Blank pages removed from {document.Id:D}", now);
            blank.IndexedByUserId = userId;
            blank.IndexedAt = now;
            blank.IndexedBy = "clerk";
            db.Add(blank);
            document.PageCount = pages.Count - remove.Count;
            await db.SaveChangesAsync(token);
            await Indexing.LayOutAsync(db, new Dictionary<Guid, List<ScannedDocumentPage>>
            {
                [document.Id] = pages.Where(p => !remove.Contains(p.PageId)).ToList(),
                [blank.Id] = pages.Where(p => remove.Contains(p.PageId)).ToList(),
            }, token);
            db.Add(Indexing.Filing(blank, FilingKinds.Dispositioned, userId, now, blank.Reason));
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(Indexing.Changed(document, $"removed {remove.Count} blank page(s) to {blank.Id:D}"), token);
            return Result<Guid>.Success(blank.Id);
        }, ct);
    }
}
