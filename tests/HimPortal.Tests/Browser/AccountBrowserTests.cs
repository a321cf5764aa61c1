using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

/// <summary>HimPortal on Kestrel at a port fixed beforehand, so that the links it mails name it; mail to a real SMTP server.</summary>
public sealed class MailBrowserFixture : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public MailServer Mail { get; } = new();

    public HimPortalFactory Factory { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    private IPlaywright? _playwright;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var port = MailWebFixture.FreePort();
        Factory = new HimPortalFactory(Database, kestrel: true) { KestrelPort = port };
        foreach (var (key, value) in Mail.Settings($"http://127.0.0.1:{port}"))
        {
            Factory.Settings[key] = value;
        }

        BaseUrl = Factory.ServerAddress;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Factory.DisposeAsync();
        await Mail.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>What a person does with their account in a browser: forgets the password and follows the mailed link.</summary>
public sealed partial class AccountBrowserTests(MailBrowserFixture browser) : IClassFixture<MailBrowserFixture>
{
    [Fact]
    public async Task A_person_who_forgot_their_password_follows_the_mailed_link_and_signs_in_with_a_new_one()
    {
        var clerk = await Personas.CreateAsync(browser.Factory.Services, Roles.HimClerk);
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = browser.BaseUrl });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/Account/Login");
        await page.ClickAsync("[data-testid=forgot-password]");
        await page.FillAsync("#email", clerk.Email);
        await page.ClickAsync("[data-testid=send-link]");
        (await page.TextContentAsync("[data-testid=reset-sent]"))!.ShouldContain("a link to choose a new password is on its way");

        var message = await browser.Mail.WaitForAsync(clerk.Email);
        var link = Link().Match(message.TextBody ?? "").Value;
        link.ShouldStartWith(browser.BaseUrl.TrimEnd('/') + "/Account/ResetPassword?token=");
        await page.GotoAsync(link);
        await page.FillAsync("#new", "lichen-ferry-tambourine-quartz-1");
        await page.FillAsync("#confirm", "lichen-ferry-tambourine-quartz-1");
        await page.ClickAsync("[data-testid=reset-password]");

        await Assertions.Expect(page.Locator("[data-testid=reset-done]")).ToBeVisibleAsync();
        await page.FillAsync("#email", clerk.Email);
        await page.FillAsync("#password", "lichen-ferry-tambourine-quartz-1");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Intake$"));
        (await page.TextContentAsync("[data-testid=signed-in-roles]")).ShouldBe("HIM clerk");

        // The link again, in the same browser after signing out: it works no more.
        await page.ClickAsync("[data-testid=sign-out]");
        await page.GotoAsync(link);
        await page.FillAsync("#new", "another-long-passphrase-entirely-2");
        await page.FillAsync("#confirm", "another-long-passphrase-entirely-2");
        await page.ClickAsync("[data-testid=reset-password]");
        (await page.TextContentAsync("[data-testid=form-error]"))!.ShouldContain("This link no longer works");
        await context.CloseAsync();
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/Account/ResetPassword\?token=[A-Za-z0-9_%-]+")]
    private static partial Regex Link();
}
