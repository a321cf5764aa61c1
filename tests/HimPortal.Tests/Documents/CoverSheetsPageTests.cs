using System.Net;
using HimPortal.Application.Access;
using HimPortal.Data.Documents;
using HimPortal.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Documents;

/// <summary>The cover-sheet print page through the real app: who may use it, and a clerk's way from the search to the PDF.</summary>
public sealed class CoverSheetsPageTests(CoverSheetsPageFixture web) : IClassFixture<CoverSheetsPageFixture>
{
    private const string Page = "/Intake/CoverSheets";

    private async Task<HttpClient> SignedInAsync(string role)
    {
        var persona = await Personas.CreateAsync(web.Services, role);
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    [Theory]
    [InlineData(Roles.HimClerk, true)]
    [InlineData(Roles.HimManager, true)]
    [InlineData(Roles.Physician, false)]
    [InlineData(Roles.RoiSpecialist, false)]
    [InlineData(Roles.ComplianceOfficer, false)]
    [InlineData(Roles.Administrator, false)]
    public async Task Only_those_who_index_may_print_cover_sheets(string role, bool allowed)
    {
        var patientId = await ClinicalData.PatientIdAsync(web.Database, ClinicalData.Smallest);
        using var client = await SignedInAsync(role);

        foreach (var url in new[] { Page, $"{Page}?patientId={patientId}" })
        {
            var page = await client.GetAsync(new Uri(url, UriKind.Relative));

            if (allowed)
            {
                page.StatusCode.ShouldBe(HttpStatusCode.OK, url);
            }
            else
            {
                page.StatusCode.ShouldBe(HttpStatusCode.Redirect, url);
                page.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
            }
        }

        var home = await client.GetAsync(new Uri("/Intake", UriKind.Relative));
        if (home.StatusCode == HttpStatusCode.OK)
        {
            (await home.Content.ReadAsStringAsync()).Contains($"href=\"{Page}\"", StringComparison.Ordinal).ShouldBe(allowed);
        }
    }

    [Fact]
    public async Task A_clerk_finds_the_patient_picks_an_encounter_and_two_types_and_downloads_two_sheets()
    {
        var patientId = await ClinicalData.PatientIdAsync(web.Database, ClinicalData.Smallest);
        var mrn = await web.Database.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{patientId}'");
        var encounter = await web.Database.ScalarAsync<Guid>($"SELECT id FROM clinical.encounters WHERE patient_id = '{patientId}' ORDER BY period_start LIMIT 1");
        using var client = await SignedInAsync(Roles.HimClerk);

        var found = await client.GetStringAsync(new Uri($"{Page}?mrn={mrn}", UriKind.Relative));
        found.ShouldContain($"href=\"{Page}?patientId={patientId}\"");
        var form = await client.GetStringAsync(new Uri($"{Page}?patientId={patientId}", UriKind.Relative));
        form.ShouldContain($"value=\"{encounter}\"");
        form.ShouldContain("History and physical (LOINC 34117-2)");
        form.ShouldNotContain("Correspondence", Case.Sensitive, "a type without a LOINC code cannot be named by the barcode");

        using var post = new FormUrlEncodedContent([
            new("__RequestVerificationToken", HimPortalFactory.AntiforgeryToken(form)),
            new("Input.PatientId", patientId.ToString()),
            new("Input.EncounterId", encounter.ToString()),
            new("Input.DocumentTypeIds", DocumentTypeSeed.HistoryAndPhysical.ToString()),
            new("Input.DocumentTypeIds", DocumentTypeSeed.DischargeSummary.ToString()),
        ]);
        var response = await client.PostAsync(new Uri(Page, UriKind.Relative), post);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        response.Content.Headers.ContentDisposition!.FileName!.ShouldNotContain(mrn);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        await Qpdf.CheckAsync(pdf);
        using var document = PdfDocument.Open(pdf);
        document.NumberOfPages.ShouldBe(2);
        string.Join(' ', document.GetPage(2).GetWords().Select(w => w.Text)).ShouldContain("18842-5");
        (await web.Database.ScalarAsync<string>($"SELECT details FROM audit.access_events WHERE action = 'print' AND resource_type = 'CoverSheet' AND patient_id = '{patientId}'"))
            .ShouldBe($"2 sheet(s); encounter={encounter:D}; types=34117-2,18842-5");
    }

    [Fact]
    public async Task An_encounter_of_another_patient_is_refused_on_the_form()
    {
        var patientId = await ClinicalData.PatientIdAsync(web.Database, ClinicalData.Smallest);
        var other = await ClinicalData.PatientIdAsync(web.Database, ClinicalData.Cortes);
        var encounter = await web.Database.ScalarAsync<Guid>($"SELECT id FROM clinical.encounters WHERE patient_id = '{other}' LIMIT 1");
        using var client = await SignedInAsync(Roles.HimClerk);
        var form = await client.GetStringAsync(new Uri($"{Page}?patientId={patientId}", UriKind.Relative));

        using var post = new FormUrlEncodedContent([
            new("__RequestVerificationToken", HimPortalFactory.AntiforgeryToken(form)),
            new("Input.PatientId", patientId.ToString()),
            new("Input.EncounterId", encounter.ToString()),
            new("Input.DocumentTypeIds", DocumentTypeSeed.HistoryAndPhysical.ToString()),
        ]);
        var response = await client.PostAsync(new Uri(Page, UriKind.Relative), post);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("The encounter is not one of this patient&#x27;s.");
    }
}

public sealed class CoverSheetsPageFixture : IAsyncLifetime
{
    private readonly WebFixture _web = new();

    public TestDatabase Database => _web.Database;

    public HimPortalFactory Factory => _web.Factory;

    public IServiceProvider Services => _web.Services;

    public async Task InitializeAsync()
    {
        await _web.InitializeAsync();
        await ClinicalData.ImportAsync(_web.Database, ClinicalData.Smallest, ClinicalData.Cortes);
    }

    public Task DisposeAsync() => _web.DisposeAsync();
}
