using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets.DecideItem;

/// <param name="Reason">Why it is left out ("minimum necessary", …); required when leaving out.</param>
public sealed record DecideItemCommand(Guid RequestId, long ItemId, bool Include, string? Reason);

public sealed class DecideItemValidator : AbstractValidator<DecideItemCommand>
{
    public DecideItemValidator()
    {
        RuleFor(c => c.ItemId).GreaterThan(0);
        RuleFor(c => c.Reason).NotEmpty().When(c => !c.Include).WithMessage("Say why the item is left out (for example: minimum necessary).");
        RuleFor(c => c.Reason).MaximumLength(300);
    }
}

/// <summary>
/// The specialist includes or leaves out one item, with the reason (minimum necessary, 45 CFR 164.502(b), where it
/// applies). A sensitive item the release does not cover cannot be included: refused with its rule. The decision stands
/// over re-selection. Nothing changes once a packet of the request has been released.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class DecideItemHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IValidator<DecideItemCommand> validator,
    IAuditActorAccessor actors) : Handler<DecideItemCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(DecideItemCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<bool>>(async token =>
        {
            var request = await db.ReleaseRequests.SingleOrDefaultAsync(r => r.Id == command.RequestId, token);
            var item = await db.PacketItems.SingleOrDefaultAsync(i => i.Id == command.ItemId && i.RequestId == command.RequestId, token);
            if (request is null || item is null)
            {
                return PacketErrors.NotFound;
            }

            if (RequestStatuses.Closed.Contains(request.Status))
            {
                return PacketErrors.Closed;
            }

            if (await PacketErrors.ReleasedAsync(db, request.Id, token))
            {
                return PacketErrors.Released;
            }

            if (command.Include)
            {
                var (authorization, extraRestricted) = await PacketErrors.CoverageAsync(db, request, token);
                if (PacketCoverage.Withheld(request, authorization, extraRestricted, item.LabelCodes) is { } rule)
                {
                    await audit.RecordAsync(PacketErrors.Audit(AuditAction.Update, request, $"item {item.Id} inclusion refused: sensitive, not covered",
                        AuditOutcome.Denied), token);
                    return Error.Invalid("This item cannot be included: " + rule, "Include");
                }
            }

            item.Included = command.Include;
            item.ExclusionReason = command.Include ? null : command.Reason!.Trim();
            item.DecidedByUserId = actors.Current.UserId;
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(PacketErrors.Audit(AuditAction.Update, request,
                command.Include ? $"item {item.Id} included" : $"item {item.Id} left out: {item.ExclusionReason}"), token);
            return Result<bool>.Success(true);
        }, ct);
    }
}
