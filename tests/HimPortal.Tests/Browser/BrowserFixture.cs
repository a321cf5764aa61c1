using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

/// <summary>HimPortal on a real Kestrel port, driven by Debian's Chromium through Playwright (no browser download).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public HimPortalFactory Factory { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    private IPlaywright? _playwright;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Factory = new HimPortalFactory(Database, kestrel: true);
        BaseUrl = Factory.ServerAddress;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // Without these, Chromium keeps trying the network this machine does not have.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}
