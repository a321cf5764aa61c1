using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
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

    public static IdentityBuilder AddStores(this IdentityBuilder builder) =>
        builder
            .AddEntityFrameworkStores<HimDbContext>()
            .AddPasswordValidator<NistPasswordValidator>();
}
