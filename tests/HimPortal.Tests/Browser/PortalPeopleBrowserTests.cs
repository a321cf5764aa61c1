using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Portal.Proxies;
using HimPortal.Data.Portal;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;
using HimPortal.Tests.Portal;
using HimPortal.Tests.Roi.Packets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Browser;

/// <summary>
/// A personal representative in a real browser at phone size (issue 19 items 8 and 9): HIM sets up a parent's access in
/// the staff app, the parent activates from the letter, chooses whose record at /People by keyboard, sees whose record it
/// is, and does not see the care the minor consented to alone (45 CFR 164.502(g)(3)); axe-core on /People and the record.
/// </summary>
public sealed class PortalPeopleBrowserTests(PortalBrowserFixture fixture) : IClassFixture<PortalBrowserFixture>
{
    private const string ParentName = "Maria Parent";
    private const string ParentFamily = "Parent";
    private const string ParentBorn = "1980-01-02";

    [Fact]
    public async Task A_parent_chooses_whose_record_by_keyboard_sees_whose_it_is_and_not_the_minors_own_care_at_phone_size()
    {
        var db = fixture.Database;
        await ClinicalData.ImportAsync(db, ClinicalData.Smallest);
        var child = await ClinicalData.PatientIdAsync(db, ClinicalData.Smallest);
        var childGiven = await db.ScalarAsync<string>($"SELECT given_names FROM clinical.patients WHERE id = '{child}'");
        var sibling = await CandidatePairs.PatientAsync(db, "Leo" + Guid.NewGuid().ToString("N")[..6], "Sibling", sex: "male");
        var minorsOwn = await db.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE patient_id = '{child}' ORDER BY date DESC, id DESC LIMIT 1");
        await PacketSteps.LabelAsync(db, child, "DocumentReference", minorsOwn, PortalVisibility.MinorConsentedCare);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        // The parent's older grant, for the sibling (set up through the handler): the portal opens it first.
        var (_, clerkServices) = await PortalCopiesWorld.StaffAsync(db, Roles.HimClerk);
        Guid siblingGrant;
        await using (clerkServices)
        {
            await using var scope = clerkServices.CreateAsyncScope();
            var created = await scope.ServiceProvider.GetRequiredService<CreateProxyGrantHandler>().HandleAsync(new CreateProxyGrantCommand(sibling,
                ParentName, ParentFamily, DateOnly.Parse(ParentBorn, System.Globalization.CultureInfo.InvariantCulture), ProxyRelationships.Parent,
                "Birth certificate", null, today.AddDays(-1), today.AddYears(1), true), CancellationToken.None);
            created.Error.ShouldBeNull();
            siblingGrant = created.Value;
        }

        // HIM, in the staff app: sets up the parent's access to the child's portal, then issues the parent's letter.
        var clerk = await Personas.CreateAsync(fixture.Staff.Services, Roles.HimClerk);
        var code = await SetUpAccessAndIssueLetterAsync(clerk, child, today.AddYears(1));

        // The parent, on a phone: activates from the letter (answering their own birth date and family name), signs in.
        var page = await fixture.PhoneAsync(axe: true);
        var account = await PortalJourney.ActivateAndEnrolAsync(fixture, page, code, ParentBorn, ParentFamily);
        var parentId = await db.ScalarAsync<Guid>($"SELECT id FROM identity.users WHERE email = '{account.Email}'");
        (await db.ScalarAsync<Guid>($"SELECT representative_user_id FROM portal.proxy_grants WHERE patient_id = '{child}'")).ShouldBe(parentId);
        // The sibling's grant belongs to the same parent (as a second letter would join it), and is the older one (the
        // staff app's clock is the test's), so the portal opens the sibling's record first.
        await db.ExecuteAsync($"""
            UPDATE portal.proxy_grants SET representative_user_id = '{parentId}',
            created_at = (SELECT min(created_at) - interval '1 day' FROM portal.proxy_grants) WHERE id = '{siblingGrant}'
            """);
        await page.ClickAsync("[data-testid=go-sign-in]");
        await PortalJourney.SignInWithCodeAsync(fixture, page, account);

        // Whose record: both children are listed; the one open now says so; the child is chosen by keyboard alone.
        await page.ClickAsync("[data-testid=nav-people]");
        await Assertions.Expect(page.Locator("[data-testid=person]")).ToHaveCountAsync(2);
        (await page.TextContentAsync("[data-testid=chosen]"))!.ShouldContain("the record you see now");
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360);
        await Axe.AssertNoSeriousViolationsAsync(page);
        var choose = page.Locator("[data-testid=choose-person]");
        await Assertions.Expect(choose).ToHaveCountAsync(1);
        (await choose.TextContentAsync())!.ShouldContain(childGiven);
        for (var tab = 0; tab < 60 && !await choose.EvaluateAsync<bool>("b => b === document.activeElement"); tab++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        (await choose.EvaluateAsync<bool>("b => b === document.activeElement")).ShouldBeTrue("the choice is reachable by Tab");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-testid=portal-home]")).ToBeVisibleAsync();

        // The record page names whose record it is, and the minor's own care is not in it.
        await page.ClickAsync("[data-testid=nav-record]");
        var whose = (await page.TextContentAsync("[data-testid=whose-record]"))!;
        whose.ShouldContain(childGiven);
        whose.ShouldContain("as their parent");
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360);
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.GotoAsync(fixture.PortalUrl + "/Record?part=documents");
        (await page.TextContentAsync("[data-testid=whose-record]"))!.ShouldContain(childGiven);
        (await page.Locator("[data-testid=document]").CountAsync()).ShouldBeGreaterThan(0);
        (await page.Locator($"[data-testid=document][data-id='{minorsOwn}']").CountAsync()).ShouldBe(0);
        await Axe.AssertNoSeriousViolationsAsync(page);
        (await page.GotoAsync(fixture.PortalUrl + $"/Record/Note?id={minorsOwn}"))!.Status.ShouldBe(404);
        await page.Context.CloseAsync();
    }

    /// <summary>The clerk opens the child's "Personal representatives" page, sets up the parent's access, and issues the parent's letter; the code is read off the PDF.</summary>
    private async Task<string> SetUpAccessAndIssueLetterAsync(Persona clerk, Guid child, DateOnly endsOn)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.StaffUrl });
        var staff = await context.NewPageAsync();
        await staff.GotoAsync("/Account/Login");
        await staff.FillAsync("#email", clerk.Email);
        await staff.FillAsync("#password", clerk.Password);
        await staff.ClickAsync("button[type=submit]");
        await staff.GotoAsync($"/PortalProxies?patientId={child}");
        await staff.FillAsync("[data-testid=grant-name]", ParentName);
        await staff.FillAsync("[data-testid=grant-family-name]", ParentFamily);
        await staff.FillAsync("[data-testid=grant-birth-date]", ParentBorn);
        await staff.SelectOptionAsync("[data-testid=grant-relationship]", ProxyRelationships.Parent);
        await staff.FillAsync("[data-testid=grant-authority]", "Birth certificate");
        await staff.FillAsync("[data-testid=grant-ends-on]", endsOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await staff.CheckAsync("[data-testid=grant-hide-minor-care]");
        await staff.ClickAsync("[data-testid=grant-submit]");
        await Assertions.Expect(staff.Locator("[data-testid=notice]")).ToContainTextAsync("set up");
        await Assertions.Expect(staff.Locator("[data-testid=grant-row][data-in-force=true]")).ToHaveCountAsync(1);
        await staff.ClickAsync("[data-testid=issue-proxy-letter]");
        await staff.ClickAsync("[data-testid=issue-letter]");
        await Assertions.Expect(staff.Locator("[data-testid=letter-issued]")).ToContainTextAsync("the representative");
        var href = await staff.GetAttributeAsync("[data-testid=print-letter]", "href");
        var letter = await staff.APIRequest.GetAsync(new Uri(new Uri(staff.Url), href!).ToString());
        string code;
        using (var pdf = PdfDocument.Open(await letter.BodyAsync()))
        {
            code = System.Text.RegularExpressions.Regex.Match(string.Join(" ", pdf.GetPages().Select(p => p.Text)), "[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}").Value;
        }

        await context.CloseAsync();
        code.ShouldNotBeNullOrEmpty();
        return code;
    }
}
