using System.Security.Claims;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Access.Identity;

/// <summary>Claims HimPortal adds to a signed-in user's ticket besides Identity's own.</summary>
public static class AccountClaims
{
    /// <summary>
    /// Present while the user signs in with a password an administrator issued (or reset): the web app then lets them
    /// reach only the change-password page. The session ends whenever the password is reset, so a ticket can never miss
    /// it; a change of password signs the session in anew, without it.
    /// </summary>
    public const string MustChangePassword = "himportal:must-change-password";

    public static bool MustChangePasswordNow(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.HasClaim(MustChangePassword, "true");
    }

    /// <summary>
    /// Present while a user whose role requires a second factor (Identity:TwoFactor) has not enrolled one: the web app then
    /// lets them reach only the enrolment page. Enrolling ends the session; the next sign-in asks for the code.
    /// </summary>
    public const string MustEnrolSecondFactor = "himportal:must-enrol-second-factor";

    public static bool MustEnrolSecondFactorNow(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.HasClaim(MustEnrolSecondFactor, "true");
    }
}

/// <summary>Identity's claims (id, name, roles, security stamp), <see cref="AccountClaims.MustChangePassword"/> and <see cref="AccountClaims.MustEnrolSecondFactor"/>.</summary>
public sealed class HimUserClaimsPrincipalFactory(
    UserManager<HimUser> users, RoleManager<HimRole> roles, IOptions<IdentityOptions> options, IOptions<IdentityPolicyOptions> policy,
    HimPortal.Data.HimDbContext db)
    : UserClaimsPrincipalFactory<HimUser, HimRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(HimUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = await base.GenerateClaimsAsync(user);
        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(AccountClaims.MustChangePassword, "true"));
        }

        if (policy.Value.TwoFactor.Required && !user.TwoFactorEnabled
            && (IdentityPolicyOptions.TwoFactorPolicy.RequiredRoles.Any(role => identity.HasClaim(identity.RoleClaimType, role))
                || await PortalRequiresItAsync(identity)))
        {
            identity.AddClaim(new Claim(AccountClaims.MustEnrolSecondFactor, "true"));
        }

        return identity;
    }

    /// <summary>A patient's account, when the portal's settings require a second factor (issue 19 item 2; HIM manager's choice).</summary>
    private async Task<bool> PortalRequiresItAsync(ClaimsIdentity identity) =>
        identity.FindAll(identity.RoleClaimType).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList() is [Roles.Patient]
        && await db.PortalSettings.AsNoTracking().AnyAsync(s => s.SecondFactor == HimPortal.Data.Portal.SecondFactorPolicies.Required);
}
