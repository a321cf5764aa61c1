using HimPortal.Application;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Identity;
using HimPortal.Web.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Serilog;

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
builder.Services.AddSettings<SessionLimits>(SessionLimits.Section);
builder.Services.AddSettings<SecurityOptions>(SecurityOptions.Section);
builder.Services.AddSettings<LogsOptions>(LogsOptions.Section);
builder.Services.AddSettings<DatabaseOptions>(DatabaseOptions.Section);
builder.Services.AddOptions<ConnectionStringsOptions>().BindConfiguration(ConnectionStringsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<DatabaseTicketStore>();
builder.Services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, SessionCookieSetup>();
builder.Services.AddHimPortalDataProtection(configuration);
builder.Services.AddProviderSignIn(configuration);
// A year, subdomains included (ASVS 5.0 3.4.1); sent only where Security:RequireHttps is on.
builder.Services.AddHsts(options =>
{
    options.MaxAge = TimeSpan.FromDays(365);
    options.IncludeSubDomains = true;
});

builder.Services.AddHimPortalAuthorization();
builder.Services.AddRazorPages(options => AuthorizationSetup.AddFolderPolicies(options.Conventions));
// The staff host runs the job queue and the clustered schedules (the internet-facing portal host never will).
builder.Services.AddHimPortalJobRunner(configuration);
builder.Services.AddHealthChecks().AddCheck<DatabaseReadyHealthCheck>("database", tags: ["ready"]);
builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<SecurityOptions>>((options, security) =>
{
    // Behind the hospital's reverse proxy the client address comes from X-Forwarded-For, but only from the proxies named
    // in Security:TrustedProxies: the defaults trust any local process, which could then write any address into the audit.
    // (With both lists empty the middleware trusts every sender, so it runs only when proxies are named, below.)
    options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
    options.KnownIPNetworks.Clear();
    options.KnownProxies.Clear();
#pragma warning disable ASPDEPR005 // the obsolete list still holds the loopback default the middleware honours
    options.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
    foreach (var proxy in security.Value.TrustedProxies)
    {
        options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy.Contains('/', StringComparison.Ordinal) ? proxy : proxy + (proxy.Contains(':', StringComparison.Ordinal) ? "/128" : "/32")));
    }
});

var app = builder.Build();

var refusal = await SchemaGate.CheckAsync(app);
if (refusal is not null)
{
    app.Logger.LogCritical("{Refusal}", refusal);
    await Console.Error.WriteLineAsync(refusal);
    return 1;
}

var requireHttps = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.RequireHttps;
if (app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.TrustedProxies.Count > 0)
{
    app.UseForwardedHeaders();
}
app.UseMiddleware<CorrelationIdMiddleware>();
app.UseSerilogRequestLogging(options =>
{
    // This host's logger, not the static Log.Logger (which several hosts in one process, as in tests, would share).
    options.Logger = app.Services.GetService<Serilog.ILogger>();
    // Path only (never the query string, which may carry search terms); user by id, never by name.
    options.EnrichDiagnosticContext = (diagnostics, http) =>
        diagnostics.Set("UserId", http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? "-");
});
app.UseExceptionHandler("/Error");
// An error status without a body (a 404 for an unknown address or a record one may not know of, a 400, a 403) is
// answered by the error page inside the layout, with a way back; the status itself is kept.
app.UseStatusCodePagesWithReExecute("/Error/{0}");
if (requireHttps)
{
    app.UseHsts();
    app.UseHttpsRedirection();
}

app.UseMiddleware<SecurityHeadersMiddleware>();
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
// Patients use the patient portal only (issue 19): a patient's session here is ended.
app.UseMiddleware<AudienceWall>((Func<System.Security.Claims.ClaimsPrincipal, bool>)Audiences.Staff, "staff app");
app.UseMiddleware<PasswordChangeGate>();
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
    // A bad setting stops the app at start-up, each failure naming its key (Common/Settings.cs).
    app.Logger.LogCritical("Invalid settings: {Failures}", string.Join("; ", ex.Failures));
    await Console.Error.WriteLineAsync("HimPortal did not start: invalid settings:\n  " + string.Join("\n  ", ex.Failures));
    return 1;
}

return 0;

/// <summary>Entry point; public so the tests' WebApplicationFactory can host it.</summary>
public partial class Program;
