using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Holds;

// Information-blocking holds (45 CFR 171): the portal shows every item without waiting for a release; an item is held
// back only under an exception of the rule (171.201-204), with its reason recorded, by a physician or an HIM manager.

public static class HoldErrors
{
    public static readonly Error NotFound = Error.NotFound("There is no such patient, item or hold.");

    public static readonly Error AlreadyHeld = new(ErrorKind.Conflict, "already-held", "This item is already held back from the portal.");

    public static readonly Error AlreadyLifted = new(ErrorKind.Conflict, "already-lifted", "This hold was lifted already.");

    public static readonly Error Conflict = Error.Conflict("Someone else changed this hold since you opened the page. Review it and try again.");

    /// <summary>The kinds of item a hold can be placed on: those labels name, the whole record excepted (a hold is per item).</summary>
    public static readonly IReadOnlyList<string> ItemTypes = [.. LabelledItems.Supported.Where(t => t != LabelledItems.Patient)];
}

public sealed record HoldView(Guid Id, string ResourceType, Guid ResourceId, string Exception, string Reason, DateTimeOffset PlacedAt, string? PlacedBy,
    DateOnly? ReviewOn, DateTimeOffset? LiftedAt, string? LiftedBy, uint Version)
{
    public bool InForce => LiftedAt is null;
}

public sealed record ListHoldsQuery(Guid PatientId) : IPatientRequest;

/// <summary>A patient's holds, in force first then lifted, newest first. Reading them is reading the patient's record: audited.</summary>
[RequiresPermission(Permissions.PortalHold)]
public sealed class ListHoldsHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit) : Handler<ListHoldsQuery, Result<IReadOnlyList<HoldView>>>(permissions)
{
    protected override Task<Result<IReadOnlyList<HoldView>>> ExecuteAsync(ListHoldsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return db.InTransactionAsync<Result<IReadOnlyList<HoldView>>>(async token =>
        {
            if (!await db.Set<Patient>().AnyAsync(p => p.Id == query.PatientId, token))
            {
                return HoldErrors.NotFound;
            }

            var holds = await db.InformationBlockingHolds.AsNoTracking()
                .Where(h => h.PatientId == query.PatientId)
                .OrderBy(h => h.LiftedAt != null).ThenByDescending(h => h.PlacedAt).ThenBy(h => h.Id)
                .Select(h => new HoldView(h.Id, h.ResourceType, h.ResourceId, h.Exception, h.Reason, h.PlacedAt,
                    db.Users.Where(u => u.Id == h.PlacedByUserId).Select(u => u.DisplayName).FirstOrDefault(), h.ReviewOn, h.LiftedAt,
                    db.Users.Where(u => u.Id == h.LiftedByUserId).Select(u => u.DisplayName).FirstOrDefault(), h.Version))
                .Take(500)
                .ToListAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Patient", query.PatientId.ToString("D"), query.PatientId,
                Purpose: "HOPERAT", Details: $"portal.holds; count={holds.Count}"), token);
            return Result<IReadOnlyList<HoldView>>.Success(holds);
        }, ct);
    }
}

public sealed record PlaceHoldCommand(Guid PatientId, string ResourceType, Guid ResourceId, string Exception, string Reason, DateOnly? ReviewOn) : IPatientRequest;

public sealed class PlaceHoldValidator : AbstractValidator<PlaceHoldCommand>
{
    public PlaceHoldValidator()
    {
        RuleFor(c => c.ResourceType).Must(t => HoldErrors.ItemTypes.Contains(t)).WithMessage("Choose the kind of item to hold back.");
        RuleFor(c => c.ResourceId).NotEmpty().WithMessage("Give the item's id (it is shown on the chart).");
        RuleFor(c => c.Exception).Must(e => HoldExceptions.All.Contains(e))
            .WithMessage("Choose the exception of the information-blocking rule the hold rests on.");
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Write the reason for the hold: the rule requires it to be recorded.")
            .MaximumLength(2000).WithMessage("Keep the reason under 2,000 characters.");
    }
}

/// <summary>
/// Holds one item back from the portal under an exception of the information-blocking rule (45 CFR 171.201-204), with
/// its reason; at most one hold in force per item (the database's unique index decides a race). Audited as an update of
/// the item in the same transaction.
/// </summary>
[RequiresPermission(Permissions.PortalHold)]
public sealed class PlaceHoldHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors,
    IValidator<PlaceHoldCommand> validator, TimeProvider clock) : Handler<PlaceHoldCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(PlaceHoldCommand command, CancellationToken ct)
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
                // Only an item of this patient's: a crafted id of another's is not found.
                if (!await LabelledItems.BelongsToAsync(db, command.PatientId, new ItemRef(command.ResourceType, command.ResourceId), token))
                {
                    return HoldErrors.NotFound;
                }

                if (await db.InformationBlockingHolds.AnyAsync(h => h.ResourceType == command.ResourceType && h.ResourceId == command.ResourceId && h.LiftedAt == null, token))
                {
                    return HoldErrors.AlreadyHeld;
                }

                var hold = new InformationBlockingHold
                {
                    Id = Guid.CreateVersion7(),
                    PatientId = command.PatientId,
                    ResourceType = command.ResourceType,
                    ResourceId = command.ResourceId,
                    Exception = command.Exception,
                    Reason = command.Reason.Trim(),
                    ReviewOn = command.ReviewOn,
                    PlacedAt = clock.GetUtcNow(),
                    PlacedByUserId = actors.Current.UserId ?? Guid.Empty,
                };
                db.InformationBlockingHolds.Add(hold);
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, command.ResourceType, command.ResourceId.ToString("D"),
                    command.PatientId, Purpose: "HOPERAT", Details: $"portal.hold placed; hold={hold.Id:D}; exception={hold.Exception}"), token);
                return Result<Guid>.Success(hold.Id);
            }, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            return HoldErrors.AlreadyHeld;
        }
    }
}

public sealed record LiftHoldCommand(Guid PatientId, Guid HoldId, uint Version) : IPatientRequest;

/// <summary>Lifts a hold: the item shows in the portal again at once. The row stays, with who lifted it and when. Audited.</summary>
[RequiresPermission(Permissions.PortalHold)]
public sealed class LiftHoldHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock)
    : Handler<LiftHoldCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(LiftHoldCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await PortalEnding.EndAsync(db, audit, db.InformationBlockingHolds.Where(h => h.Id == command.HoldId && h.PatientId == command.PatientId),
            command.Version, new EndingErrors(HoldErrors.NotFound, HoldErrors.AlreadyLifted, HoldErrors.Conflict), hold => hold.LiftedAt is not null, hold =>
            {
                hold.LiftedAt = clock.GetUtcNow();
                hold.LiftedByUserId = actors.Current.UserId;
                return new AuditRecord(AuditAction.Update, AuditOutcome.Success, hold.ResourceType, hold.ResourceId.ToString("D"),
                    hold.PatientId, Purpose: "HOPERAT", Details: $"portal.hold lifted; hold={hold.Id:D}");
            }, ct);
    }
}
