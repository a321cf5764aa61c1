using HimPortal.Application.Auditing;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Application.Accounts.SignOut;

public sealed record SignOutCommand;

/// <summary>Ends the server-side session (so the cookie is worthless even if kept) and records the sign-out.</summary>
public sealed class SignOutHandler(HimDbContext db, SignInManager<HimUser> signIn, AccessAudit audit)
{
    public Task HandleAsync(SignOutCommand command, CancellationToken ct) =>
        Common.Transactions.InTransactionAsync(db, async token =>
        {
            await audit.RecordAsync(new AuditRecord(AuditAction.Logout, AuditOutcome.Success, "Session",
                Purpose: SessionEndReason.SignedOut), token);
            await signIn.SignOutAsync();
            return true;
        }, ct);
}
