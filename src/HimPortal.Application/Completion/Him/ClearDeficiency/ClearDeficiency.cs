using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Completion;

namespace HimPortal.Application.Completion.Him.ClearDeficiency;

public sealed record ClearDeficiencyCommand(Guid DeficiencyId, string Reason, uint Version);

public sealed class ClearDeficiencyValidator : AbstractValidator<ClearDeficiencyCommand>
{
    public ClearDeficiencyValidator() =>
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why the deficiency is cleared (it stays in the history).")
            .MaximumLength(1000).WithMessage("The reason is at most 1000 characters.");
}

/// <summary>
/// An HIM analyst clears a deficiency that does not apply (documented elsewhere, a false finding): resolved with
/// Resolution "cleared", who and when, the reason in its history (nothing is deleted, 42 CFR 482.24(c)); the stay
/// recounted; the version checked; audited as completion.clear.
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class ClearDeficiencyHandler(
    PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock, IValidator<ClearDeficiencyCommand> validator)
    : Handler<ClearDeficiencyCommand, Result<bool>>(permissions)
{
    public const string Cleared = "cleared";

    protected override async Task<Result<bool>> ExecuteAsync(ClearDeficiencyCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await Versioned.InTransactionAsync<bool>(db, HimAudit.Stale, async token =>
        {
            var found = await HimStays.OpenDeficiencyAsync(db, command.DeficiencyId, command.Version, token);
            if (found.Error is { } error)
            {
                return error;
            }

            var deficiency = found.Value!;
            var now = clock.GetUtcNow();
            deficiency.Status = DeficiencyStatuses.Resolved;
            deficiency.Resolution = Cleared;
            deficiency.ResolvedAt = now;
            deficiency.ResolvedBy = actors.Current.UserId;
            HimStays.AddEvent(db, deficiency.Id, now, "resolved", actors.Current.UserId, null, "cleared by HIM: " + command.Reason.Trim());
            await db.SaveChangesAsync(token);
            await HimStays.RecountAsync(db, deficiency.EncounterId, token);
            await audit.RecordAsync(HimAudit.Of(AuditAction.Update, deficiency.EncounterId, deficiency.PatientId, "clear", $"deficiency {deficiency.Id:D} cleared"), token);
            return Result<bool>.Success(true);
        }, ct);
    }
}
