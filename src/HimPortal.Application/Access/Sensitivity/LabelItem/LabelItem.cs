using FluentValidation;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Access;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.Sensitivity.LabelItem;

/// <param name="ResourceType">One of <see cref="LabelledItems.Supported"/>.</param>
/// <param name="Reason">Why the item is sensitive (for the history and the audit).</param>
public sealed record LabelItemCommand(Guid PatientId, string ResourceType, Guid ResourceId, string LabelCode, string? Reason) : IPatientRequest;

/// <param name="Version">The new label's row version, for a later removal.</param>
public sealed record LabelledItem(Guid LabelId, uint Version);

public sealed class LabelItemValidator : AbstractValidator<LabelItemCommand>
{
    public LabelItemValidator()
    {
        RuleFor(c => c.ResourceType).Must(LabelledItems.IsSupported)
            .WithMessage($"Choose what to label: {string.Join(", ", LabelledItems.Supported)}.");
        RuleFor(c => c.ResourceId).NotEmpty().WithMessage("Choose the item to label.");
        RuleFor(c => c.LabelCode).NotEmpty().WithMessage("Choose a sensitivity label.").MaximumLength(40);
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why this item is sensitive.").MaximumLength(1000);
    }
}

/// <summary>HIM staff label one item of a patient's record as sensitive; release of information and the portal withhold it accordingly.</summary>
[RequiresPermission(Permissions.ChartAccessManage)]
public sealed class LabelItemHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<LabelItemCommand> validator,
    TimeProvider clock) : Handler<LabelItemCommand, Result<LabelledItem>>(permissions)
{
    protected override async Task<Result<LabelledItem>> ExecuteAsync(LabelItemCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var item = new ItemRef(command.ResourceType, command.ResourceId);
        try
        {
            return await db.InTransactionAsync<Result<LabelledItem>>(async token =>
            {
                if (!await LabelledItems.BelongsToAsync(db, command.PatientId, item, token))
                {
                    return SensitivityErrors.NotFound;
                }

                var code = command.LabelCode.Trim();
                if (!await db.SensitivityLabels.AnyAsync(l => l.Code == code && l.Active, token))
                {
                    return SensitivityErrors.UnknownLabel;
                }

                if (await db.ItemSensitivityLabels.AnyAsync(l => l.ResourceType == item.ResourceType && l.ResourceId == item.ResourceId
                                                                 && l.LabelCode == code && l.RemovedAt == null, token))
                {
                    return SensitivityErrors.AlreadyLabelled;
                }

                var now = clock.GetUtcNow();
                var row = new ItemSensitivityLabel
                {
                    Id = Guid.CreateVersion7(now),
                    PatientId = command.PatientId,
                    LabelCode = code,
                    ResourceType = item.ResourceType,
                    ResourceId = item.ResourceId,
                    Source = LabelSources.Manual,
                    Reason = command.Reason!.Trim(),
                    LabelledAt = now,
                    LabelledByUserId = actors.Current.UserId,
                };
                db.ItemSensitivityLabels.Add(row);
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "SensitivityLabel", row.Id.ToString("D"),
                    command.PatientId, Purpose: "HOPERAT", Details: $"label={code}; item={item.ResourceType}/{item.ResourceId:D}; reason={row.Reason}"), token);
                return Result<LabelledItem>.Success(new LabelledItem(row.Id, row.Version));
            }, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            // Two people labelling the same item at once: the unique index lets one in; the other is told, nothing doubled.
            return SensitivityErrors.AlreadyLabelled;
        }
    }
}
