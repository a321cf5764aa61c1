using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Accounts.SecondFactor;

public sealed record SetUpAuthenticatorQuery;

/// <param name="Enrolled">The account already signs in with a code (setting up again replaces the app).</param>
public sealed record AuthenticatorSetup(string ReadableKey, Uri KeyUri, bool Enrolled);

/// <summary>
/// The signed-in user's authenticator key to scan or type into an app, made on first use. The key is kept with the
/// account (Identity's user tokens) and counts only once a code from it is confirmed (<see cref="EnrolAuthenticatorHandler"/>).
/// </summary>
[RequiresPermission(Permissions.SignedIn)]
public sealed class SetUpAuthenticatorHandler(
    PermissionCheck permissions,
    UserManager<HimUser> users,
    IAuditActorAccessor actors,
    IOptions<IdentityPolicyOptions> policy) : Handler<SetUpAuthenticatorQuery, Result<AuthenticatorSetup>>(permissions)
{
    protected override async Task<Result<AuthenticatorSetup>> ExecuteAsync(SetUpAuthenticatorQuery query, CancellationToken ct)
    {
        var userId = actors.Current.UserId ?? throw new InvalidOperationException("A signed-in user sets up their authenticator.");
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return Error.NotFound("No such user account.");
        }

        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }

        return Result<AuthenticatorSetup>.Success(new AuthenticatorSetup(
            Authenticator.Readable(key!), Authenticator.KeyUri(policy.Value.TwoFactor.Issuer, user.Email ?? user.Id.ToString(), key!), user.TwoFactorEnabled));
    }
}
