using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;

namespace HimPortal.Application.Completion.Inbox.RefuseDeficiency;

public sealed record RefuseDeficiencyCommand(Guid DeficiencyId, string Reason, uint Version);

public sealed class RefuseDeficiencyValidator : AbstractValidator<RefuseDeficiencyCommand>
{
    public RefuseDeficiencyValidator()
    {
        RuleFor(c => c.DeficiencyId).NotEmpty();
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why this is not yours: HIM reads it to find who it belongs to.")
            .MaximumLength(1000).WithMessage("Keep the reason under 1,000 characters.");
    }
}

/// <summary>
/// "Not my patient": the physician hands a deficiency back to HIM with a reason. It leaves their inbox (responsibility
/// null: HIM's queue), keeps the reason, and its history notes the refusal; HIM reassigns it (responsibility follows the
/// role, 42 CFR 482.24(c)(1), and only a person can judge a wrong attribution).
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class RefuseDeficiencyHandler(
    PermissionCheck permissions,
    HimDbContext db,
    InboxSigning signing,
    AccessAudit audit,
    TimeProvider clock,
    IValidator<RefuseDeficiencyCommand> validator) : Handler<RefuseDeficiencyCommand, Result<uint>>(permissions)
{
    protected override async Task<Result<uint>> ExecuteAsync(RefuseDeficiencyCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<uint>>(async token =>
        {
            var deficiency = await signing.OwnOpenAsync(command.DeficiencyId, token);
            if (deficiency is null)
            {
                return Error.NotFound();
            }

            if (deficiency.Version != command.Version)
            {
                return Error.Conflict("This deficiency changed since you opened it: open it again.");
            }

            var now = clock.GetUtcNow();
            var reason = command.Reason.Trim();
            var from = deficiency.ResponsiblePractitionerId;
            deficiency.ResponsiblePractitionerId = null;
            deficiency.AssignedByHim = false;
            deficiency.RefusalReason = reason;
            signing.Note(deficiency.Id, "refused", from, reason, now);
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "Encounter", deficiency.EncounterId.ToString("D"), deficiency.PatientId,
                Purpose: "completion.refuse", Details: $"deficiency={deficiency.Id:D}; back to the HIM queue"), token);
            return Result<uint>.Success(deficiency.Version);
        }, ct);
    }
}
