using HimPortal.Application.Access;
using HimPortal.Application.Access.Sessions;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Application.Administration.Users.LockUser;

/// <param name="Lock">True to lock (disable) the account until an administrator unlocks it; false to unlock.</param>
public sealed record LockUserCommand(Guid UserId, bool Lock, string ConcurrencyStamp);

/// <summary>
/// Locking disables sign-in and ends every session of the account at once (a departing employee must lose access now,
/// not when a cookie expires). Unlocking also clears the failed sign-in count of an automatic lockout.
/// </summary>
[RequiresPermission(Permissions.UsersManage)]
public sealed class LockUserHandler(
    PermissionCheck permissions,
    HimDbContext db,
    UserManager<HimUser> users,
    UserSessions sessions,
    AccessAudit audit,
    IAuditActorAccessor actors) : Handler<LockUserCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(LockUserCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
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
