using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.RotatePage;

/// <param name="Clockwise">A quarter turn clockwise, else anticlockwise.</param>
public sealed record RotatePageCommand(Guid DocumentId, uint Version, Guid PageId, bool Clockwise);

public sealed class RotatePageValidator : AbstractValidator<RotatePageCommand>
{
    public RotatePageValidator()
    {
        RuleFor(c => c.DocumentId).NotEmpty();
        RuleFor(c => c.PageId).NotEmpty().WithMessage("Choose the page to turn.");
    }
}

/// <summary>Turns one page of a waiting document a quarter turn (a page fed sideways); the image is unchanged, the rotation is shown.</summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class RotatePageHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IValidator<RotatePageCommand> validator)
    : Handler<RotatePageCommand, Result<short>>(permissions)
{
    protected override async Task<Result<short>> ExecuteAsync(RotatePageCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await Indexing.ChangeWaitingAsync(db, validator, command, command.DocumentId, command.Version, async (document, token) =>
        {
            var page = await db.Set<ScannedDocumentPage>().SingleOrDefaultAsync(p => p.DocumentId == command.DocumentId && p.PageId == command.PageId, token);
            if (page is null)
            {
                return Error.Invalid("Choose a page of this document.", nameof(command.PageId));
            }

            page.Rotation = (short)((page.Rotation + (command.Clockwise ? 90 : 270)) % 360);
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(Indexing.Changed(document, $"rotated page {command.PageId:D} to {page.Rotation}"), token);
            return Result<short>.Success(page.Rotation);
        }, ct);
    }
}
