using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace HimPortal.Tests.Infrastructure;

/// <summary>The real staff web app on the test class's database, with a hand-moved clock and every log line captured.</summary>
public sealed class HimPortalFactory(TestDatabase database, bool kestrel = false) : HostFactory<Program>(database, kestrel)
{
    /// <summary>Signs in through the real login form (antiforgery token and all); returns the response to the POST.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        ArgumentNullException.ThrowIfNull(client);
        var form = await client.GetStringAsync(new Uri("/Account/Login", UriKind.Relative));
        return await client.PostAsync(new Uri("/Account/Login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["__RequestVerificationToken"] = AntiforgeryToken(form),
        }));
    }

    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string formPage, string postUrl, Dictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(fields);
        var form = await client.GetStringAsync(new Uri(formPage, UriKind.Relative));
        fields["__RequestVerificationToken"] = AntiforgeryToken(form);
        return await client.PostAsync(new Uri(postUrl, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    public static string AntiforgeryToken(string html) =>
        WebUtility.HtmlDecode(Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);
}

/// <summary>The real patient portal (issue 19) on the test class's database, like <see cref="HimPortalFactory"/>; the same helpers work on its forms.</summary>
public sealed class PortalFactory(TestDatabase database, bool kestrel = false) : HostFactory<HimPortal.Portal.PortalProgram>(database, kestrel)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Every test request comes from one address: the rate limits have tests of their own (PortalWallsTests), with low limits.
        builder.UseSetting("Portal:RateLimits:PermitLimit", "100000");
        base.ConfigureWebHost(builder);
    }
}

/// <summary>A HimPortal host (the staff app or the portal) on the test class's database, with a hand-moved clock and every log line captured.</summary>
public abstract class HostFactory<TEntry>(TestDatabase database, bool kestrel) : WebApplicationFactory<TEntry>
    where TEntry : class
{
    public TestClock Clock { get; } = new();

    /// <summary>The Kestrel port (browser tests); 0 for any free one. A fixed one lets links in mail name the server.</summary>
    public int KestrelPort { get; init; }

    /// <summary>Whether this host runs the clustered schedules (off by default).</summary>
    public bool RunSchedules { get; init; }

    /// <summary>The hosting environment (Testing unless a test needs another).</summary>
    public string Environment { get; init; } = "Testing";

    /// <summary>More settings, applied last.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public LogCapture Logs { get; } = new();

    private readonly string _logFolder = Path.Combine(Path.GetTempPath(), "himportal-test-logs", Guid.NewGuid().ToString("N"));

    public string LogFolder => _logFolder;

    public TestDatabase Database => database;

    /// <summary>The base address of the Kestrel server (browser tests).</summary>
    public string ServerAddress
    {
        get
        {
            StartServer();
            return Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (kestrel)
        {
            UseKestrel(KestrelPort);
        }

        builder.UseEnvironment(Environment);
        builder.UseSetting("ConnectionStrings:HimPortal", database.AppConnectionString);
        builder.UseSetting("ConnectionStrings:HimPortalAdmin", database.OwnerConnectionString);
        builder.UseSetting("Security:RequireHttps", "false");
        // One key-encryption certificate for the whole test run, made on first use.
        builder.UseSetting("DataProtection:CertificatePath", Path.Combine(Repository.Root, ".himportal", "test-dataprotection.pfx"));
        builder.UseSetting("DataProtection:CreateIfMissing", "true");
        // The second factor required of administrators and compliance officers is tested on its own (SecondFactorTests).
        builder.UseSetting("Identity:TwoFactor:Required", "false");
        builder.UseSetting("Logs:Path", Path.Combine(_logFolder, "himportal-.log"));
        // Schedules fire when a test asks for them (JobScheduleTests), not on a timer that would race a test's own scenario;
        // queued jobs (uploads, verifications) run at once.
        builder.UseSetting("Jobs:RunSchedules", RunSchedules ? "true" : "false");
        builder.UseSetting("Jobs:PollInterval", "00:00:00.2");
        builder.UseSetting("Jobs:HeartbeatInterval", "00:00:00.2");
        // The portal's address in activation letters and patients' mail (browser tests set the real one).
        builder.UseSetting("Portal:PublicUrl", "http://portal.test.himportal.example/");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<ILogEventSink>(Logs);
        });
    }

    public HttpClient Browserless() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_logFolder))
        {
            Directory.Delete(_logFolder, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>Every rendered log event with all its properties, to search for data that must never be logged.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        _lines.Enqueue(logEvent.RenderMessage() + " | " +
                       string.Join(" ", logEvent.Properties.Select(p => p.Key + "=" + p.Value)) + " | " + logEvent.Exception);
    }
}
