using HimPortal.Application.Access;
using HimPortal.Tests.Mpi;
using HimPortal.Tests.Portal;

namespace HimPortal.Tests.Browser;

/// <summary>Copies, the accounting and "who looked" in a real browser at phone size, keyboard-operable, checked with axe-core (issue 19 items 4, 6, 7, 9).</summary>
public sealed class PortalCopiesBrowserTests(PortalBrowserFixture fixture) : IClassFixture<PortalBrowserFixture>
{
    [Fact]
    public async Task A_patient_asks_for_a_copy_sees_the_fee_first_asks_for_the_accounting_and_flags_an_access_at_360_px()
    {
        var record = await CandidatePairs.PatientAsync(fixture.Database, "Iris" + Guid.NewGuid().ToString("N")[..6], "Phone");
        await using var patient = await PortalCopiesWorld.PatientAsync(fixture.Database, record);
        var (_, doctor) = await PortalCopiesWorld.StaffAsync(fixture.Database, Roles.Physician, "Dr. A. Smith", "emergency department");
        await using (doctor)
        {
            await PortalCopiesWorld.AccessAsync(doctor, record, purpose: "ETREAT");
        }

        var page = await fixture.PhoneAsync(axe: true);
        await page.GotoAsync(fixture.PortalUrl + "/Account/Login");
        await page.FillAsync("#email", patient.Persona.Email);
        await page.FillAsync("#password", patient.Persona.Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal));

        await page.GotoAsync(fixture.PortalUrl + "/Copies");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.GetByTestId("ask-copy").ClickAsync();
        await page.GetByTestId("what-some").CheckAsync();
        await page.GetByTestId("kind-results").CheckAsync();
        await page.GetByTestId("format-pdf").CheckAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.GetByTestId("review-copy").ClickAsync();
        (await page.GetByTestId("fee-total").InnerTextAsync()).ShouldContain("$6.50");
        await Axe.AssertNoSeriousViolationsAsync(page);
        // Keyboard only: the confirm button is reached and pressed without a pointer.
        await page.GetByTestId("confirm-copy").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.GetByTestId("copy-sent").WaitForAsync();
        (await page.GetByTestId("copy-status").First.InnerTextAsync()).ShouldBe("Received");
        (await page.GetByTestId("live").IsVisibleAsync()).ShouldBeTrue();
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360);
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.GotoAsync(fixture.PortalUrl + "/Accounting");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.GetByTestId("ask-accounting").ClickAsync();
        await page.GetByTestId("accounting-ready").WaitForAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-accounting").ClickAsync());
        download.SuggestedFilename.ShouldEndWith(".pdf");

        await page.GotoAsync(fixture.PortalUrl + "/Access");
        (await page.GetByTestId("access-sentence").First.InnerTextAsync()).ShouldContain("Dr. A. Smith, physician, emergency department, opened your chart on");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.GetByTestId("flag-open").First.ClickAsync();
        await page.GetByTestId("flag-comment").First.FillAsync("I was not in the emergency department.");
        await page.GetByTestId("flag-access").First.ClickAsync();
        await page.GetByTestId("flag-sent").WaitForAsync();
        (await page.GetByTestId("access-flagged").CountAsync()).ShouldBe(1);
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.Context.CloseAsync();
    }
}
