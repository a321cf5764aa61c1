using HimPortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Application.Access.Identity;

public static class IdentitySetup
{
    /// <summary>The account rules shared by the web app and the CLI, so a password the CLI accepts signs in on the web.</summary>
    public static void Configure(IdentityOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Password.RequiredLength = configuration.GetValue("Identity:Password:MinimumLength", 15);
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireNonAlphanumeric = false;
        options.Password.RequiredUniqueChars = 1;

        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = configuration.GetValue("Identity:Lockout:MaxFailedAttempts", 5);
        options.Lockout.DefaultLockoutTimeSpan = configuration.GetValue("Identity:Lockout:Duration", TimeSpan.FromMinutes(15));

        options.User.RequireUniqueEmail = true;
        options.SignIn.RequireConfirmedAccount = false;
    }

    public static IdentityBuilder AddStores(this IdentityBuilder builder) =>
        builder
            .AddEntityFrameworkStores<HimDbContext>()
            .AddPasswordValidator<NistPasswordValidator>();
}
