using System.Security.Claims;
using HimPortal.Application.Access;
using HimPortal.Application.Access.History;
using HimPortal.Application.Access.Sessions;
using HimPortal.Application.Accounts.SignIn;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Accounts.SignInWithProvider;

/// <summary>Who the provider says signed in: its subject id, e-mail, name and groups, and when they authenticated.</summary>
public sealed record ProviderIdentity(string Provider, string Subject, string? Email, string? Name, IReadOnlyList<string> Groups, DateTimeOffset? AuthenticatedAt);

public sealed record SignInWithProviderCommand(ProviderIdentity Identity);

/// <summary>
/// Signs in a member of staff the hospital's identity provider vouched for. Their roles come from the provider's groups
/// (Oidc:GroupRoles) at every sign-in: a role that changed at the provider is applied here, audited, written to the role
/// history (so the monitoring rules count it like a role changed by an administrator, e.g. "role granted, then chart
/// opened") and ends the user's other sessions. A person whose groups map to no role is refused. The account is found
/// by the provider's subject id, linked by e-mail the first time, or made on first sign-in (without a password).
/// </summary>
[RequiresPermission(Permissions.Anyone)]
public sealed class SignInWithProviderHandler(
    PermissionCheck permissions,
    HimDbContext db,
    SignInManager<HimUser> signIn,
    UserManager<HimUser> users,
    UserSessions sessions,
    AccessHistory history,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IOptions<ProviderSignInOptions> options,
    TimeProvider clock) : Handler<SignInWithProviderCommand, Result<SignedIn>>(permissions)
{
    protected override async Task<Result<SignedIn>> ExecuteAsync(SignInWithProviderCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var who = command.Identity;
        var wanted = who.Groups
            .Select(group => options.Value.GroupRoles.TryGetValue(group, out var role) ? Roles.Normalize(role) : null)
            .OfType<string>().Where(role => role is not (Roles.System or Roles.Console or Roles.Patient))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var request = actors.Current;
        return await db.InTransactionAsync<Result<SignedIn>>(async token =>
        {
            var user = await users.FindByLoginAsync(who.Provider, who.Subject);
            if (user is null && !string.IsNullOrWhiteSpace(who.Email))
            {
                user = await users.FindByEmailAsync(who.Email);
            }

            if (wanted.Count == 0)
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.LoginFailed, AuditOutcome.Denied, "Session",
                    Purpose: "identity provider: no HimPortal role in the person's groups",
                    Actor: request with { UserId = user?.Id, UserName = user?.Email ?? who.Email }), token);
                return new Error(ErrorKind.Invalid, "signin.provider-no-role",
                    "Your hospital account has no HimPortal role. Ask your HIM administrator to add you to the right group.");
            }

            if (user is null)
            {
                user = new HimUser
                {
                    Id = Guid.CreateVersion7(), UserName = who.Email ?? who.Subject, Email = who.Email, EmailConfirmed = who.Email is not null,
                    DisplayName = string.IsNullOrWhiteSpace(who.Name) ? (who.Email ?? who.Subject).Split('@')[0] : who.Name.Trim(),
                    CreatedAt = clock.GetUtcNow(), LockoutEnabled = true,
                };
                Check(await users.CreateAsync(user));
                Check(await users.AddToRolesAsync(user, wanted));
                await history.UserCreatedAsync(user, wanted, token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "User", user.Id.ToString(),
                    Purpose: "account made at first sign-in through the identity provider", Details: $"roles [{string.Join(',', wanted)}] from the provider's groups"), token);
            }

            if (await users.IsLockedOutAsync(user) || !await signIn.CanSignInAsync(user))
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.LoginFailed, AuditOutcome.Denied, "Session", Purpose: "account locked",
                    Actor: request with { UserId = user.Id, UserName = user.Email }), token);
                return SignInErrors.InvalidCredentials;
            }

            if (!(await users.GetLoginsAsync(user)).Any(login => login.LoginProvider == who.Provider && login.ProviderKey == who.Subject))
            {
                Check(await users.AddLoginAsync(user, new UserLoginInfo(who.Provider, who.Subject, options.Value.DisplayName)));
            }

            var current = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
            if (!current.SequenceEqual(wanted))
            {
                Check(await users.RemoveFromRolesAsync(user, current.Except(wanted)));
                Check(await users.AddToRolesAsync(user, wanted.Except(current)));
                Check(await users.UpdateSecurityStampAsync(user));
                await sessions.EndAllAsync(user.Id, SessionEndReason.RolesChanged, token);
                await history.RolesChangedAsync(user.Id, wanted, clock.GetUtcNow(), token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "User", user.Id.ToString(),
                    Purpose: "roles changed at the identity provider",
                    Details: $"roles changed from [{string.Join(',', current)}] to [{string.Join(',', wanted)}]; sessions ended"), token);
            }

            var actor = request with { UserId = user.Id, UserName = user.Email, Roles = wanted };
            List<Claim> claims = [new("amr", "external"), new("idp", who.Provider)];
            if (who.AuthenticatedAt is { } at)
            {
                // When the person last proved who they are at the provider: signing (chart completion) asks again when stale.
                claims.Add(new Claim("auth_time", at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            await signIn.SignInWithClaimsAsync(user, isPersistent: false, claims);
            var now = clock.GetUtcNow();
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.LastSignInAt, now), token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Login, AuditOutcome.Success, "Session", Details: "identity provider: " + who.Provider, Actor: actor), token);
            return Result<SignedIn>.Success(new SignedIn(user.Id, wanted));
        }, ct);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Identity refused: " + string.Join("; ", result.Errors.Select(e => e.Code)));
        }
    }
}
