using HimPortal.Application.Access;
using HimPortal.Application.Access.Sessions;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Application.Accounts.SignOut;

public sealed record SignOutCommand;

/// <summary>Ends the server-side session (so the cookie is worthless even if kept) and records the sign-out.</summary>
[RequiresPermission(Permissions.SignedIn)]
public sealed class SignOutHandler(PermissionCheck permissions, HimDbContext db, SignInManager<HimUser> signIn, AccessAudit audit) : Handler<SignOutCommand, Result<bool>>(permissions)
{
    protected override Task<Result<bool>> ExecuteAsync(SignOutCommand command, CancellationToken ct) =>
        Common.Transactions.InTransactionAsync<Result<bool>>(db, async token =>
        {
            await audit.RecordAsync(new AuditRecord(AuditAction.Logout, AuditOutcome.Success, "Session",
                Purpose: SessionEndReason.SignedOut), token);
            await signIn.SignOutAsync();
            return Result<bool>.Success(true);
        }, ct);
}
