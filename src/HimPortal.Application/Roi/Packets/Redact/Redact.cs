using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets.Redact;

/// <summary>A region of a page of an item, in percent of the page (origin top left), and why it is removed.</summary>
public sealed record AddRedactionCommand(Guid RequestId, long ItemId, int Page, double Left, double Top, double Width, double Height, string? Reason);

public sealed class AddRedactionValidator : AbstractValidator<AddRedactionCommand>
{
    public AddRedactionValidator()
    {
        RuleFor(c => c.ItemId).GreaterThan(0);
        RuleFor(c => c.Page).GreaterThanOrEqualTo(1).WithMessage("Pages are numbered from 1.");
        RuleFor(c => c.Left).InclusiveBetween(0, 100).WithMessage("Left is a percentage of the page width, 0 to 100.");
        RuleFor(c => c.Top).InclusiveBetween(0, 100).WithMessage("Top is a percentage of the page height, 0 to 100.");
        RuleFor(c => c.Width).GreaterThan(0).LessThanOrEqualTo(100).WithMessage("Width is a percentage of the page width, more than 0.");
        RuleFor(c => c.Height).GreaterThan(0).LessThanOrEqualTo(100).WithMessage("Height is a percentage of the page height, more than 0.");
        RuleFor(c => c).Must(c => c.Left + c.Width <= 100.01 && c.Top + c.Height <= 100.01).WithName("Width")
            .WithMessage("The region must lie on the page (left + width and top + height at most 100).");
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why the region is removed.").MaximumLength(400);
    }
}

public sealed record RemoveRedactionCommand(Guid RequestId, long RedactionId);

/// <summary>
/// Marks a region of a page for true removal at build (issue 17 item 5): the page is rasterised and the region painted
/// in its pixels (<see cref="PacketWriter"/>). Only on an included item, before a packet is released.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class AddRedactionHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IValidator<AddRedactionCommand> validator,
    IAuditActorAccessor actors,
    TimeProvider clock) : Handler<AddRedactionCommand, Result<long>>(permissions)
{
    protected override async Task<Result<long>> ExecuteAsync(AddRedactionCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<long>>(async token =>
        {
            var request = await db.ReleaseRequests.SingleOrDefaultAsync(r => r.Id == command.RequestId, token);
            var item = await db.PacketItems.AsNoTracking().SingleOrDefaultAsync(i => i.Id == command.ItemId && i.RequestId == command.RequestId, token);
            if (request is null || item is null)
            {
                return PacketErrors.NotFound;
            }

            if (!item.Included)
            {
                return Error.Invalid("Redact an included item: this one is left out.", "ItemId");
            }

            if (await PacketErrors.ReleasedAsync(db, request.Id, token))
            {
                return PacketErrors.Released;
            }

            var redaction = new Redaction
            {
                RequestId = request.Id,
                PacketItemId = item.Id,
                Page = command.Page,
                X = command.Left / 100,
                Y = command.Top / 100,
                Width = Math.Min(command.Width, 100 - command.Left) / 100,
                Height = Math.Min(command.Height, 100 - command.Top) / 100,
                Reason = command.Reason!.Trim(),
                CreatedAt = clock.GetUtcNow(),
                CreatedByUserId = actors.Current.UserId,
            };
            db.Redactions.Add(redaction);
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(PacketErrors.Audit(AuditAction.Update, request, $"redaction on item {item.Id} page {command.Page} marked"), token);
            return Result<long>.Success(redaction.Id);
        }, ct);
    }
}

/// <summary>Lifts a redaction before the packet is built and released (the row stays, with when it was lifted).</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class RemoveRedactionHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    TimeProvider clock) : Handler<RemoveRedactionCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(RemoveRedactionCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await db.InTransactionAsync<Result<bool>>(async token =>
        {
            var request = await db.ReleaseRequests.SingleOrDefaultAsync(r => r.Id == command.RequestId, token);
            var redaction = await db.Redactions.SingleOrDefaultAsync(r => r.Id == command.RedactionId && r.RequestId == command.RequestId, token);
            if (request is null || redaction is null || redaction.RemovedAt is not null)
            {
                return PacketErrors.NotFound;
            }

            if (await PacketErrors.ReleasedAsync(db, request.Id, token))
            {
                return PacketErrors.Released;
            }

            redaction.RemovedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(PacketErrors.Audit(AuditAction.Update, request, $"redaction {redaction.Id} lifted"), token);
            return Result<bool>.Success(true);
        }, ct);
    }
}
