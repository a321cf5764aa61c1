using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Sessions;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Application.Administration.Users.LockUser;

/// <param name="Lock">True to lock (disable) the account until an administrator unlocks it; false to unlock.</param>
/// <param name="Reason">Why (a departure, a suspected compromise, a leave): required to lock, recorded in the audit either way.</param>
public sealed record LockUserCommand(Guid UserId, bool Lock, string ConcurrencyStamp, string? Reason = null);

public sealed class LockUserValidator : AbstractValidator<LockUserCommand>
{
    public const int MaxReasonLength = 500;

    public LockUserValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(c => c.Reason).NotEmpty().When(c => c.Lock).WithMessage("Give the reason for locking the account (it is kept in the audit).")
            .MinimumLength(4).When(c => c.Lock).WithMessage("Give the reason in a few words (it is kept in the audit).");
        RuleFor(c => c.Reason).MaximumLength(MaxReasonLength).WithMessage($"The reason is at most {MaxReasonLength} characters.");
        RuleFor(c => c.ConcurrencyStamp).NotEmpty();
    }
}

/// <summary>
/// Locking disables sign-in and ends every session of the account at once (a departing employee must lose access now,
/// not when a cookie expires; 45 CFR 164.308(a)(3)(ii)(C)). The administrator gives a reason, kept in the audit row
/// (the page asks for it on a confirmation step). Unlocking also clears the failed sign-in count of an automatic lockout.
/// </summary>
[RequiresPermission(Permissions.UsersManage)]
public sealed class LockUserHandler(
    PermissionCheck permissions,
    HimDbContext db,
    UserManager<HimUser> users,
    UserSessions sessions,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<LockUserCommand> validator) : Handler<LockUserCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(LockUserCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var reason = string.IsNullOrWhiteSpace(command.Reason) ? null : command.Reason.Trim();
        try
        {
            return await db.InTransactionAsync<Result<bool>>(async token =>
            {
                var user = await users.FindByIdAsync(command.UserId.ToString());
                if (user is null)
                {
                    return UserErrors.NotFound;
                }

                if (user.ConcurrencyStamp != command.ConcurrencyStamp)
                {
                    return UserErrors.Conflict;
                }

                if (command.Lock && actors.Current.UserId == user.Id)
                {
                    return UserErrors.CannotLockSelf;
                }

                if (command.Lock)
                {
                    IdentityResults.Check(await users.SetLockoutEnabledAsync(user, true));
                    IdentityResults.Check(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
                    IdentityResults.Check(await users.UpdateSecurityStampAsync(user));
                    await sessions.EndAllAsync(user.Id, SessionEndReason.AccountLocked, token);
                }
                else
                {
                    IdentityResults.Check(await users.SetLockoutEndDateAsync(user, null));
                    IdentityResults.Check(await users.ResetAccessFailedCountAsync(user));
                }

                await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "User", user.Id.ToString(),
                    Purpose: reason is null ? null : "reason: " + reason,
                    Details: command.Lock ? "account locked; sessions ended" : "account unlocked"), token);
                return Result<bool>.Success(command.Lock);
            }, ct);
        }
        catch (ConcurrencyConflictException)
        {
            return UserErrors.Conflict;
        }
    }
}
