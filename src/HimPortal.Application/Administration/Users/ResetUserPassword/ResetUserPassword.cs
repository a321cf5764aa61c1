using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Access.Sessions;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Application.Administration.Users.ResetUserPassword;

/// <param name="ConcurrencyStamp">The stamp the administrator saw; a different one means someone else changed the account since.</param>
public sealed record ResetUserPasswordCommand(Guid UserId, string ConcurrencyStamp);

/// <param name="OneTimePassword">Shown to the administrator once, to hand to the user; the user must replace it at the next sign-in.</param>
public sealed record PasswordIssued(Guid UserId, string Email, string OneTimePassword, int SessionsEnded);

/// <summary>
/// An administrator gives a user who cannot sign in a new, generated password, shown once (as when the account was
/// created). The user must choose their own at the next sign-in, since the administrator knows this one; every session
/// of the user ends and every open reset link stops working, in the same transaction as the audit row. A lockout after
/// failed sign-ins is lifted, an administrator's lock is not. Never for one's own account: that is what changing one's
/// password is for (and it asks for the current one).
/// </summary>
[RequiresPermission(Permissions.UsersManage)]
public sealed class ResetUserPasswordHandler(
    PermissionCheck permissions,
    HimDbContext db,
    UserManager<HimUser> users,
    AccountPasswords passwords,
    AccessAudit audit,
    IAuditActorAccessor actors) : Handler<ResetUserPasswordCommand, Result<PasswordIssued>>(permissions)
{
    protected override async Task<Result<PasswordIssued>> ExecuteAsync(ResetUserPasswordCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            return await db.InTransactionAsync<Result<PasswordIssued>>(async token =>
            {
                var user = await users.FindByIdAsync(command.UserId.ToString());
                if (user is null)
                {
                    return UserErrors.NotFound;
                }

                if (actors.Current.UserId == user.Id)
                {
                    return UserErrors.CannotResetOwnPassword;
                }

                if (user.ConcurrencyStamp != command.ConcurrencyStamp)
                {
                    return UserErrors.Conflict;
                }

                var issued = PasswordGenerator.Generate();
                var replaced = await passwords.ReplaceAsync(user, issued, mustChange: true, SessionEndReason.PasswordReset, token);
                IdentityResults.Check(replaced.Result);
                await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "User", user.Id.ToString(),
                    Details: $"password reset by an administrator: one-time password issued, change required at next sign-in; sessions ended: {replaced.SessionsEnded}"), token);
                return Result<PasswordIssued>.Success(new PasswordIssued(user.Id, user.Email!, issued, replaced.SessionsEnded));
            }, ct);
        }
        catch (ConcurrencyConflictException)
        {
            return UserErrors.Conflict;
        }
    }
}
