namespace HimPortal.Tests.Browser;

/// <summary>The portal's sign-in pages at phone size, checked with axe-core (issue 19, items 2 and 9).</summary>
public sealed class PortalAccessBrowserTests(PortalBrowserFixture fixture) : IClassFixture<PortalBrowserFixture>
{
    [Fact]
    public async Task The_sign_in_page_has_no_serious_accessibility_violation_at_phone_size()
    {
        var page = await fixture.PhoneAsync(axe: true);
        await page.GotoAsync(fixture.PortalUrl + "/Account/Login");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_axe_helper_reports_a_serious_violation()
    {
        var page = await fixture.PhoneAsync(axe: true);
        await page.GotoAsync(fixture.PortalUrl + "/Account/Login");
        // An input without a label is a critical violation (WCAG 2.1 1.3.1, 4.1.2): the helper must say so.
        await page.EvaluateAsync("() => { const i = document.createElement('input'); i.type = 'text'; document.querySelector('main, body').appendChild(i); }");
        var failure = await Should.ThrowAsync<Xunit.Sdk.XunitException>(() => Axe.AssertNoSeriousViolationsAsync(page));
        failure.Message.ShouldContain("label");
        await page.Context.CloseAsync();
    }
}
