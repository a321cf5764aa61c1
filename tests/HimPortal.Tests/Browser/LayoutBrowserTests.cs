using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;
using HimPortal.Web.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

/// <summary>The layout in Chromium: the header on a phone, the skip link, and the signed-in 404 page with a way home.</summary>
public sealed class LayoutBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    /// <summary>An iPhone 12-15's viewport, the width the header has to fit.</summary>
    private const int PhoneWidth = 390;

    private async Task<IPage> SignedInAsync(Persona persona, ViewportSize? viewport = null)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = browser.BaseUrl, ViewportSize = viewport });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", persona.Email);
        await page.FillAsync("#password", persona.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=signed-in-user]")).ToHaveTextAsync(persona.Email);
        return page;
    }

    [Fact]
    public async Task At_390_px_the_header_fits_and_sign_out_is_visible_and_clickable_for_every_role()
    {
        var personas = await Personas.OnePerRoleAsync(browser.Factory.Services);
        foreach (var home in HomePages.All)
        {
            var persona = personas[home.Role];
            var page = await SignedInAsync(persona, new ViewportSize { Width = PhoneWidth, Height = 844 });
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(home.Path) + "$"));

            var header = page.Locator("[data-testid=topbar]");
            (await header.EvaluateAsync<int>("h => h.scrollWidth")).ShouldBeLessThanOrEqualTo(PhoneWidth, home.Role);
            (await header.EvaluateAsync<int>("h => h.getBoundingClientRect().right")).ShouldBeLessThanOrEqualTo(PhoneWidth, home.Role);
            var signOut = page.Locator("[data-testid=sign-out]");
            await Assertions.Expect(signOut).ToBeVisibleAsync();
            await Assertions.Expect(signOut).ToBeInViewportAsync(new() { Ratio = 1 });
            var box = (await signOut.BoundingBoxAsync())!;
            (box.X + box.Width).ShouldBeLessThanOrEqualTo(PhoneWidth, home.Role);
            // Every link of the navigation is on the screen too, none pushed off to the right.
            foreach (var link in await page.Locator("[data-testid=nav] a").AllAsync())
            {
                await Assertions.Expect(link).ToBeInViewportAsync(new() { Ratio = 1 });
            }

            // Clicked by the pointer where it is drawn (no forcing): nothing covers it.
            await signOut.ClickAsync(new() { Trial = true });
            await signOut.ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
            await Assertions.Expect(page.Locator("[data-testid=signed-out]")).ToHaveTextAsync("You are signed out.");
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_signed_in_user_on_an_unknown_address_gets_the_404_page_in_the_layout_and_a_way_home()
    {
        var manager = await Personas.CreateAsync(browser.Factory.Services, Roles.HimManager);
        var page = await SignedInAsync(manager);

        var response = await page.GotoAsync("/Intake/No-such-page");

        response!.Status.ShouldBe(404);
        await Assertions.Expect(page.Locator("[data-testid=error-title]")).ToHaveTextAsync("Page not found");
        await Assertions.Expect(page).ToHaveTitleAsync("Page not found · HimPortal");
        await Assertions.Expect(page.Locator("[data-testid=correlation-id]")).ToHaveTextAsync(new Regex("^[0-9a-f]{32}$"));
        await Assertions.Expect(page.Locator("[data-testid=nav-intake]")).ToBeVisibleAsync();
        await page.ClickAsync("[data-testid=back-home]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Management$"));
        await Assertions.Expect(page.Locator("[data-testid=home-title]")).ToHaveTextAsync("Department overview");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_first_tab_reaches_the_skip_link_which_moves_focus_past_the_header()
    {
        var clerk = await Personas.CreateAsync(browser.Factory.Services, Roles.HimClerk);
        var page = await SignedInAsync(clerk);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Intake$"));

        await page.Keyboard.PressAsync("Tab");
        var skip = page.Locator("[data-testid=skip-link]");
        await Assertions.Expect(skip).ToBeFocusedAsync();
        await Assertions.Expect(skip).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator("main#content")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<bool>("() => document.querySelector('main').contains(document.activeElement)")).ShouldBeTrue();
        await page.Context.CloseAsync();
    }
}
