using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;
using HimPortal.Web.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

public sealed class SignInBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private async Task<IPage> NewPageAsync()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = browser.BaseUrl });
        return await context.NewPageAsync();
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
    }

    [Fact]
    public async Task Every_role_signs_in_sees_its_home_and_signs_out()
    {
        var personas = await Personas.OnePerRoleAsync(browser.Factory.Services);
        foreach (var home in HomePages.All)
        {
            var persona = personas[home.Role];
            var page = await NewPageAsync();
            await SignInAsync(page, persona.Email, persona.Password);

            // Expect polls the address; WaitForURL would also wait for a load event that a fast redirect may already have fired.
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(home.Path) + "$"));
            (await page.TextContentAsync("[data-testid=home-title]")).ShouldBe(home.Title, home.Role);
            (await page.TextContentAsync("[data-testid=signed-in-user]")).ShouldBe(persona.Email);

            await page.ClickAsync("[data-testid=sign-out]");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
            await page.GotoAsync(home.Path);
            page.Url.ShouldContain("/Account/Login");
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_wrong_password_is_refused_on_the_page_and_audited()
    {
        var clerk = await Personas.CreateAsync(browser.Factory.Services, Roles.HimClerk);
        var page = await NewPageAsync();

        await SignInAsync(page, clerk.Email, "definitely-not-the-password");

        (await page.TextContentAsync("[data-testid=login-error]"))!.ShouldContain("The e-mail or password is not right, or the account cannot sign in now.");
        page.Url.ShouldContain("/Account/Login");
        (await browser.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Id}' AND action = 'login-failed' AND outcome = 'denied'")).ShouldBe(1);
        await page.Context.CloseAsync();
    }
}
