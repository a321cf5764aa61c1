using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

/// <summary>
/// The patient portal and the staff app on one database, each on a real Kestrel port, with a real SMTP server for their
/// mail, driven by Debian's Chromium (issue 19): patients act in the portal, HIM and ROI staff in the staff app.
/// </summary>
public sealed class PortalBrowserFixture : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public MailServer Mail { get; } = new();

    public HimPortalFactory Staff { get; private set; } = null!;

    public PortalFactory Portal { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string StaffUrl { get; private set; } = "";

    public string PortalUrl { get; private set; } = "";

    private IPlaywright? _playwright;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Staff = new HimPortalFactory(Database, kestrel: true);
        Portal = new PortalFactory(Database, kestrel: true);
        foreach (var (key, value) in Mail.Settings())
        {
            Staff.Settings[key] = value;
            Portal.Settings[key] = value;
        }

        StaffUrl = Staff.ServerAddress;
        PortalUrl = Portal.ServerAddress;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>
    /// A phone-sized page (360 × 740, touch), as the issue asks every portal page to work on; with <paramref name="axe"/>
    /// its context bypasses the Content-Security-Policy so <see cref="Axe"/> can inject axe-core.
    /// </summary>
    public async Task<IPage> PhoneAsync(bool axe = false)
    {
        var options = new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            IsMobile = true,
            HasTouch = true,
        };
        var context = await Browser.NewContextAsync(axe ? Axe.ContextOptions(options) : options);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Portal.DisposeAsync();
        await Staff.DisposeAsync();
        await Mail.DisposeAsync();
        await Database.DisposeAsync();
    }
}
