using FluentValidation;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.Sensitivity.RemoveLabel;

/// <param name="Version">The label's row version the user saw.</param>
public sealed record RemoveLabelCommand(Guid PatientId, Guid LabelId, string? Reason, uint Version) : IPatientRequest;

public sealed class RemoveLabelValidator : AbstractValidator<RemoveLabelCommand>
{
    public RemoveLabelValidator()
    {
        RuleFor(c => c.LabelId).NotEmpty();
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why the label no longer applies.").MaximumLength(1000);
    }
}

/// <summary>
/// HIM staff take a label off an item (given in error, or the information was not what the rule took it for). The label
/// is not deleted: its row records who removed it, when and why, and stays as the item's history. The automatic rules
/// never put a removed label back: a person's decision stands over a code match.
/// </summary>
[RequiresPermission(Permissions.ChartAccessManage)]
public sealed class RemoveLabelHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<RemoveLabelCommand> validator,
    TimeProvider clock) : Handler<RemoveLabelCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(RemoveLabelCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync<Result<bool>>(async token =>
            {
                var row = await db.ItemSensitivityLabels.SingleOrDefaultAsync(l => l.Id == command.LabelId && l.PatientId == command.PatientId, token);
                if (row is null)
                {
                    return SensitivityErrors.NotFound;
                }

                if (row.RemovedAt is not null)
                {
                    return SensitivityErrors.AlreadyRemoved;
                }

                db.Entry(row).Property(l => l.Version).OriginalValue = command.Version;
                row.RemovedAt = clock.GetUtcNow();
                row.RemovedByUserId = actors.Current.UserId;
                row.RemovalReason = command.Reason!.Trim();
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "SensitivityLabel", row.Id.ToString("D"),
                    command.PatientId, Purpose: "HOPERAT",
                    Details: $"removed label={row.LabelCode}; item={row.ResourceType}/{row.ResourceId:D}; reason={row.RemovalReason}"), token);
                return Result<bool>.Success(true);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return SensitivityErrors.Conflict;
        }
    }
}
