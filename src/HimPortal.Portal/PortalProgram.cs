using HimPortal.Application;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Common;
using HimPortal.Application.Audit;
using HimPortal.Data;
using HimPortal.Data.Identity;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Serilog;

namespace HimPortal.Portal;

/// <summary>
/// The patient portal's host (issue 19, ADR 0040): the internet-facing side, apart from the staff app. It shares the
/// application layer and the database, but has its own cookie and data-protection name (a staff cookie opens nothing
/// here), its own session limits, and admits patient accounts only (<see cref="PortalAudience"/>). It runs no jobs.
/// </summary>
public sealed class PortalProgram
{
    private PortalProgram()
    {
    }

    /// <summary>The configuration section of the portal's own session limits.</summary>
    public const string SessionsSection = "Portal:Sessions";

    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var configuration = builder.Configuration;

        builder.Services.AddSerilog((services, logger) => LoggingSetup.Configure(logger, configuration, services));
        builder.Services.AddHimPortalData();
        builder.Services.AddHimPortalApplication();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<IAuditActorAccessor, HttpAuditActorAccessor>();
        builder.Services.AddScoped<HimPortal.Application.Access.Sessions.ICurrentSession, HttpCurrentSession>();
        builder.Services.AddIdentity<HimUser, HimRole>()
            .AddStores()
            .AddDefaultTokenProviders();
        builder.Services.AddSettings<SessionLimits>(SessionsSection);
        builder.Services.AddSettings<SecurityOptions>(SecurityOptions.Section);
        builder.Services.AddSettings<LogsOptions>(LogsOptions.Section);
        builder.Services.AddSettings<DatabaseOptions>(DatabaseOptions.Section);
        builder.Services.AddOptions<ConnectionStringsOptions>().BindConfiguration(ConnectionStringsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<DatabaseTicketStore>();
        builder.Services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, SessionCookieSetup>();
        // After the shared set-up: the portal's own cookie name and pages.
        builder.Services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, PortalCookie.Configure);
        builder.Services.AddHimPortalDataProtection(configuration, applicationName: "HimPortal.Portal");
        builder.Services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = true;
        });
        builder.Services.AddScoped<CurrentPerson>();
        builder.Services.AddHimPortalAuthorization();
        builder.Services.AddPortalRateLimits();
        builder.Services.AddRazorPages(options =>
        {
            PortalPages.AddFolderPolicies(options.Conventions);
            PortalRateLimits.RequireRateLimits(options.Conventions);
        });
        builder.Services.AddHealthChecks().AddCheck<DatabaseReadyHealthCheck>("database", tags: ["ready"]);

        var app = builder.Build();
        var refusal = await SchemaGate.CheckAsync(app);
        if (refusal is not null)
        {
            app.Logger.LogCritical("{Refusal}", refusal);
            await Console.Error.WriteLineAsync(refusal);
            return 1;
        }

        var requireHttps = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.RequireHttps;
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.Services.GetService<Serilog.ILogger>();
            // Path only, never the query string; the account by id, never by name.
            options.EnrichDiagnosticContext = (diagnostics, http) =>
                diagnostics.Set("UserId", http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? "-");
        });
        app.UseExceptionHandler("/Error");
        app.UseStatusCodePagesWithReExecute("/Error/{0}");
        if (requireHttps)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<PortalHeaders>();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UsePortalAudience();
        // PortalSettings.SecondFactor "required": a patient without an authenticator reaches only its set-up page.
        app.UseMiddleware<SecondFactorGate>();
        app.UseAuthorization();

        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        app.MapRazorPages();

        try
        {
            await app.RunAsync();
        }
        catch (OptionsValidationException ex)
        {
            app.Logger.LogCritical("Invalid settings: {Failures}", string.Join("; ", ex.Failures));
            await Console.Error.WriteLineAsync("The HimPortal patient portal did not start: invalid settings:\n  " + string.Join("\n  ", ex.Failures));
            return 1;
        }

        return 0;
    }
}
