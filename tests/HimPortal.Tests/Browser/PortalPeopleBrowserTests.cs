using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Data.Portal;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;
using HimPortal.Tests.Roi.Packets;
using Microsoft.Playwright;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Browser;

/// <summary>
/// A personal representative in a real browser at phone size (issue 19 items 8 and 9): HIM sets up a parent's access to
/// two children in the staff app, the parent activates from the first letter, adds the second at /People/Add to the same
/// account, chooses whose record at /People by keyboard, sees whose record it is, and does not see the care the minor
/// consented to alone (45 CFR 164.502(g)(3)); axe-core on /People/Add, /People and the record.
/// </summary>
public sealed class PortalPeopleBrowserTests(PortalBrowserFixture fixture) : IClassFixture<PortalBrowserFixture>
{
    private const string ParentName = "Maria Parent";
    private const string ParentFamily = "Parent";
    private const string ParentBorn = "1980-01-02";

    [Fact]
    public async Task A_parent_adds_a_second_childs_letter_chooses_whose_record_by_keyboard_and_does_not_see_the_minors_own_care_at_phone_size()
    {
        var db = fixture.Database;
        await ClinicalData.ImportAsync(db, ClinicalData.Smallest);
        var child = await ClinicalData.PatientIdAsync(db, ClinicalData.Smallest);
        var childGiven = await db.ScalarAsync<string>($"SELECT given_names FROM clinical.patients WHERE id = '{child}'");
        var siblingGiven = "Leo" + Guid.NewGuid().ToString("N")[..6];
        var sibling = await CandidatePairs.PatientAsync(db, siblingGiven, "Sibling", sex: "male");
        var minorsOwn = await db.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE patient_id = '{child}' ORDER BY date DESC, id DESC LIMIT 1");
        await PacketSteps.LabelAsync(db, child, "DocumentReference", minorsOwn, PortalVisibility.MinorConsentedCare);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        // HIM, in the staff app: sets up the parent's access to each child's portal and issues the parent's two letters.
        var clerk = await Personas.CreateAsync(fixture.Staff.Services, Roles.HimClerk);
        var code = await SetUpAccessAndIssueLetterAsync(clerk, child, today.AddYears(1));
        var siblingCode = await SetUpAccessAndIssueLetterAsync(clerk, sibling, today.AddYears(1));

        // The parent, on a phone: activates from the first letter (answering their own birth date and family name), signs in.
        var page = await fixture.PhoneAsync(axe: true);
        var account = await PortalJourney.ActivateAndEnrolAsync(fixture, page, code, ParentBorn, ParentFamily);
        var parentId = await db.ScalarAsync<Guid>($"SELECT id FROM identity.users WHERE email = '{account.Email}'");
        (await db.ScalarAsync<Guid>($"SELECT representative_user_id FROM portal.proxy_grants WHERE patient_id = '{child}'")).ShouldBe(parentId);
        await page.ClickAsync("[data-testid=go-sign-in]");
        await PortalJourney.SignInWithCodeAsync(fixture, page, account);

        // The second letter joins the same account at /People/Add: a wrong answer is refused in plain words, then the right ones.
        await page.ClickAsync("[data-testid=nav-people]");
        await Assertions.Expect(page.Locator("[data-testid=person]")).ToHaveCountAsync(1);
        await page.ClickAsync("[data-testid=add-person]");
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360);
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.FillAsync("[data-testid=add-person-code]", siblingCode);
        await page.FillAsync("[data-testid=add-person-birth-date]", ParentBorn);
        await page.FillAsync("[data-testid=add-person-family-name]", "Parents");
        await page.ClickAsync("[data-testid=add-person-submit]");
        await Assertions.Expect(page.Locator("[data-testid=add-person-error]")).ToContainTextAsync("do not match what the hospital has");
        await Axe.AssertNoSeriousViolationsAsync(page);
        (await db.ScalarAsync<long>($"SELECT count(*) FROM portal.proxy_grants WHERE patient_id = '{sibling}' AND representative_user_id IS NULL")).ShouldBe(1);
        await page.FillAsync("[data-testid=add-person-code]", siblingCode);
        await page.FillAsync("[data-testid=add-person-birth-date]", ParentBorn);
        await page.FillAsync("[data-testid=add-person-family-name]", ParentFamily);
        await page.ClickAsync("[data-testid=add-person-submit]");
        await Assertions.Expect(page.Locator("[data-testid=person-added]")).ToBeVisibleAsync();
        (await db.ScalarAsync<Guid>($"SELECT representative_user_id FROM portal.proxy_grants WHERE patient_id = '{sibling}'")).ShouldBe(parentId);

        // Whose record: both children are listed; the one open now (the first) says so; the sibling is chosen by keyboard alone.
        await Assertions.Expect(page.Locator("[data-testid=person]")).ToHaveCountAsync(2);
        (await page.TextContentAsync("[data-testid=chosen]"))!.ShouldContain("the record you see now");
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360);
        await Axe.AssertNoSeriousViolationsAsync(page);
        var choose = page.Locator("[data-testid=choose-person]");
        await Assertions.Expect(choose).ToHaveCountAsync(1);
        (await choose.TextContentAsync())!.ShouldContain(siblingGiven);
        for (var tab = 0; tab < 60 && !await choose.EvaluateAsync<bool>("b => b === document.activeElement"); tab++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        (await choose.EvaluateAsync<bool>("b => b === document.activeElement")).ShouldBeTrue("the choice is reachable by Tab");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-testid=portal-home]")).ToBeVisibleAsync();
        await page.ClickAsync("[data-testid=nav-record]");
        (await page.TextContentAsync("[data-testid=whose-record]"))!.ShouldContain(siblingGiven);

        // Back to the first child.
        await page.ClickAsync("[data-testid=nav-people]");
        await page.ClickAsync("[data-testid=choose-person]");
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
