using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Access.Identity;

public static class IdentitySetup
{
    /// <summary>
    /// The account rules shared by the web app and the CLI (so a password the CLI accepts signs in on the web), from the
    /// validated policy (<see cref="IdentityPolicyOptions"/>, section "Identity").
    /// </summary>
    public static IServiceCollection AddHimPortalIdentityPolicy(this IServiceCollection services)
    {
        services.AddSettings<IdentityPolicyOptions>(IdentityPolicyOptions.Section);
        services.AddOptions<IdentityOptions>().Configure<IOptions<IdentityPolicyOptions>>((options, policy) => Configure(options, policy.Value));
        // PBKDF2-HMAC-SHA512 at 210,000 iterations (OWASP's password storage guidance, ASVS 5.0 11.4.2), not Identity's
        // 100,000. A hash made at the old count is re-made at the next successful sign-in (UserManager rehashes).
        services.Configure<PasswordHasherOptions>(options => options.IterationCount = 210_000);
        return services;
    }

    public static void Configure(IdentityOptions options, IdentityPolicyOptions policy)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);
        options.Password.RequiredLength = policy.Password.MinimumLength;
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireNonAlphanumeric = false;
        options.Password.RequiredUniqueChars = 1;

        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = policy.Lockout.MaxFailedAttempts;
        options.Lockout.DefaultLockoutTimeSpan = policy.Lockout.Duration;

        options.User.RequireUniqueEmail = true;
        options.SignIn.RequireConfirmedAccount = false;
    }

    public static IdentityBuilder AddStores(this IdentityBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // The NIST validator is the whole policy (its minimum length included): Identity's default validator would only
        // repeat the length rule in other words, and a form lists every problem.
        builder.Services.RemoveAll<IPasswordValidator<HimUser>>();
        return builder
            .AddEntityFrameworkStores<HimDbContext>()
            .AddPasswordValidator<NistPasswordValidator>()
            .AddClaimsPrincipalFactory<HimUserClaimsPrincipalFactory>();
    }
}
