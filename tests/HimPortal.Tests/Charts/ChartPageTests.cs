using System.Net;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Charts;

/// <summary>The chart pages through the real app: folder policy, per-patient rules on GET and POST, the break-the-glass form.</summary>
public sealed partial class ChartPageTests(ChartWebFixture web) : IClassFixture<ChartWebFixture>
{
    private TestDatabase Db => web.Database;

    private async Task<HttpClient> SignedInAsync(string role, string? npi = null)
    {
        var persona = await Personas.CreateAsync(web.Services, role, npi: npi);
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    [Fact]
    public async Task Each_role_gets_what_the_section_matrix_gives_it_and_refusals_name_the_patient()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var url = new Uri($"/Charts/Chart/{patientId}", UriKind.Relative);
        foreach (var role in Personas.StaffRoles)
        {
            var persona = await Personas.CreateAsync(web.Services, role);
            using var client = web.Factory.Browserless();
            (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
            var response = await client.GetAsync(url);
            var html = await response.Content.ReadAsStringAsync();
            switch (role)
            {
                case Roles.Administrator:
                    response.StatusCode.ShouldBe(HttpStatusCode.Redirect, role);
                    response.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
                    (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{persona.Id}' AND outcome = 'denied' AND patient_id = '{patientId}'"))
                        .ShouldBe(1, role);
                    break;
                case Roles.Physician:
                    response.StatusCode.ShouldBe(HttpStatusCode.OK);
                    html.ShouldContain("data-testid=\"break-glass-form\"", customMessage: "a physician without a relationship is offered break-the-glass");
                    html.ShouldNotContain("Lab results (");
                    break;
                default:
                    response.StatusCode.ShouldBe(HttpStatusCode.OK, role);
                    html.ShouldContain("Armando772 Cort&#xE9;s936", customMessage: role);
                    html.ShouldNotContain("Lab results (", customMessage: role);
                    html.ShouldNotContain("data-testid=\"read-note\"", customMessage: role);
                    html.ShouldNotContain("data-testid=\"open-encounter\"", customMessage: role);
                    (role is Roles.HimClerk or Roles.HimManager or Roles.RoiSpecialist).ShouldBe(html.Contains("Notes (14)", StringComparison.Ordinal), role);
                    (role is Roles.HimManager or Roles.RoiSpecialist).ShouldBe(html.Contains("Encounters (14)", StringComparison.Ordinal), role);
                    break;
            }
        }
    }

    [Fact]
    public async Task The_treating_physician_reads_chart_encounter_and_note_pages()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        using var client = await SignedInAsync(Roles.Physician, await ClinicalData.TreatingNpiAsync(Db, patientId));

        var chart = await client.GetStringAsync(new Uri($"/Charts/Chart/{patientId}", UriKind.Relative));
        chart.ShouldContain("Encounters (14)");
        chart.ShouldContain("Notes (14)");
        chart.ShouldContain("Lab results (");
        chart.ShouldContain("data-testid=\"trend-plot\"");
        chart.ShouldContain("data-testid=\"allergy-banner\"");

        var encounterUrl = EncounterLink().Match(chart).Groups[1].Value;
        var encounter = await client.GetAsync(new Uri(encounterUrl, UriKind.Relative));
        encounter.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await encounter.Content.ReadAsStringAsync()).ShouldContain("data-testid=\"encounter-diagnoses\"");

        var noteUrl = NoteLink().Match(chart).Groups[1].Value;
        var note = await client.GetStringAsync(new Uri(noteUrl, UriKind.Relative));
        // The note is rendered from Markdown (issue 13): its words, without the tags, are the note.
        var noteHtml = NoteText().Match(note).Groups[1].Value;
        Regex.Replace(noteHtml, "<[^>]*>", "").Trim().Length.ShouldBeGreaterThan(100);
        noteHtml.ShouldNotContain("\n# ");

        (await client.GetAsync(new Uri($"/Charts/Chart/{Guid.NewGuid()}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Breaking_the_glass_through_the_form_refuses_a_missing_attestation_and_then_opens_the_chart()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        using var client = await SignedInAsync(Roles.Physician, await ClinicalData.UnrelatedNpiAsync(Db, patientId));
        var page = $"/Charts/Chart/{patientId}";
        var post = $"{page}?handler=BreakGlass";

        var refused = await HimPortalFactory.PostFormAsync(client, page, post, new() { ["Input.ReasonCode"] = "emergency" });
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await refused.Content.ReadAsStringAsync();
        html.ShouldContain("Tick the attestation to break the glass.");
        html.ShouldContain("data-testid=\"break-glass-form\"");

        var granted = await HimPortalFactory.PostFormAsync(client, page, post,
            new() { ["Input.ReasonCode"] = "other", ["Input.ReasonText"] = "Unresponsive in the ED", ["Input.Attested"] = "true" });
        granted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var chart = await client.GetStringAsync(new Uri(page, UriKind.Relative));
        chart.ShouldContain("data-testid=\"break-glass-active\"");
        chart.ShouldContain("Encounters (3)");
    }

    [Fact]
    public async Task A_large_chart_lists_the_newest_rows_first_and_every_row_on_request()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Largest);
        using var client = await SignedInAsync(Roles.Physician, await ClinicalData.TreatingNpiAsync(Db, patientId));

        var recent = await client.GetStringAsync(new Uri($"/Charts/Chart/{patientId}", UriKind.Relative));
        recent.ShouldContain("Encounters (106)");
        Count(recent, "data-testid=\"encounter-row\"").ShouldBe(20);
        Count(recent, "data-testid=\"document-row\"").ShouldBe(20);
        recent.ShouldContain("data-testid=\"show-all-encounters\"");

        var all = await client.GetStringAsync(new Uri($"/Charts/Chart/{patientId}?all=true", UriKind.Relative));
        Count(all, "data-testid=\"encounter-row\"").ShouldBe(106);
        Count(all, "data-testid=\"document-row\"").ShouldBe(106);
        all.ShouldNotContain("data-testid=\"show-all-");
    }

    private static int Count(string html, string marker) => (html.Length - html.Replace(marker, "", StringComparison.Ordinal).Length) / marker.Length;

    [GeneratedRegex("href=\"(/Charts/Encounter/[^\"]+)\"")]
    private static partial Regex EncounterLink();

    [GeneratedRegex("href=\"(/Charts/Note/[^\"]+)\"")]
    private static partial Regex NoteLink();

    [GeneratedRegex("data-testid=\"note-text\">(.*?)</div>\\s*</article>", RegexOptions.Singleline)]
    private static partial Regex NoteText();
}

/// <summary>The web app on a database with the chart tests' shared patients.</summary>
public sealed class ChartWebFixture : IAsyncLifetime
{
    private readonly WebFixture _web = new();

    public TestDatabase Database => _web.Database;

    public HimPortalFactory Factory => _web.Factory;

    public IServiceProvider Services => _web.Services;

    public async Task InitializeAsync()
    {
        await _web.InitializeAsync();
        await ClinicalData.ImportAsync(_web.Database, ClinicalData.Smallest, ClinicalData.Cortes, ClinicalData.Largest);
    }

    public Task DisposeAsync() => _web.DisposeAsync();
}
