using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Charts;

/// <summary>
/// Clinical values as the physician reads them through the real app (issue 13): a small synthetic patient with a blood
/// pressure whose components come diastolic first, a critical oxygen saturation, a fever, raw Synthea-style numbers and
/// a Markdown note carrying script; and a real Synthea patient's blood pressures, systolic over diastolic everywhere.
/// </summary>
public sealed partial class ClinicalValuePageTests(ClinicalValueWebFixture web) : IClassFixture<ClinicalValueWebFixture>
{
    private TestDatabase Db => web.Database;

    /// <summary>The page as a reader sees it: entities decoded (Razor writes "°" as "&amp;#xB0;").</summary>
    private async Task<string> ReadAsync(string url)
    {
        var response = await web.Physician.GetAsync(new Uri(url, UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static string Row(string html, string code) =>
        Regex.Match(html, $"<tr data-testid=\"(?:series|result)-row\" data-code=\"{Regex.Escape(code)}\">(.*?)</tr>", RegexOptions.Singleline)
            is { Success: true } row ? row.Groups[1].Value : throw new ShouldAssertException($"no row for {code}");

    [Fact]
    public async Task The_chart_shows_each_vital_sign_in_its_units_at_its_precision_with_its_flag()
    {
        var chart = await ReadAsync($"/Charts/Chart/{web.PatientId}");

        Row(chart, "8480-6").ShouldContain("114 mmHg");
        Row(chart, "8462-4").ShouldContain("77 mmHg");
        Row(chart, "2708-6").ShouldContain("82%");
        Row(chart, "2708-6").ShouldContain("title=\"critical low\">LL<");
        Row(chart, "8310-5").ShouldContain("40.0 °C");
        Row(chart, "8310-5").ShouldContain("title=\"high\">H<");
        Row(chart, "9279-1").ShouldContain("17 breaths/min");
        Row(chart, "9279-1").ShouldNotContain("data-testid=\"flag\"");
        Row(chart, "8867-4").ShouldContain("72 beats/min");
        Row(chart, "789-8").ShouldContain("5.29 ×10⁶/µL");
        ShowsNoRawValues(chart);
    }

    [Fact]
    public async Task The_encounter_shows_the_blood_pressure_as_systolic_over_diastolic_flags_and_the_note_formatted_and_inert()
    {
        var encounter = await ReadAsync($"/Charts/Encounter/{web.PatientId}/{web.EncounterId}");

        Row(encounter, "85354-9").ShouldContain("114/77 mmHg");
        encounter.ShouldNotContain("77/114");
        Row(encounter, "2708-6").ShouldContain("title=\"critical low\">LL<");
        Row(encounter, "8310-5").ShouldContain("40.0 °C");
        Row(encounter, "8310-5").ShouldContain("title=\"high\">H<");
        ShowsNoRawValues(encounter);

        var note = Regex.Match(encounter, "data-testid=\"note-text\">(.*?)</div>\\s*</article>", RegexOptions.Singleline).Groups[1].Value;
        note.ShouldContain("<h3>Chief Complaint</h3>");
        note.ShouldContain("<li>oxygen by nasal cannula</li>");
        note.ShouldContain("<strong>Sepsis</strong>");
        NoteIsInert(note);
    }

    [Fact]
    public async Task The_note_page_renders_the_same_note_the_same_way()
    {
        var page = await ReadAsync($"/Charts/Note/{web.PatientId}/{web.NoteId}");

        var note = Regex.Match(page, "data-testid=\"note-text\">(.*?)</div>\\s*</article>", RegexOptions.Singleline).Groups[1].Value;
        note.ShouldContain("<h3>Chief Complaint</h3>");
        note.ShouldNotContain("# Chief Complaint");
        NoteIsInert(note);
    }

    [Fact]
    public async Task The_results_pages_show_values_flags_ranges_and_plots_in_the_same_words()
    {
        var saturation = await ReadAsync($"/Charts/Results/{web.PatientId}/2708-6");
        var row = Regex.Match(saturation, "<tr data-testid=\"result-row\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        row.ShouldContain("82%");
        row.ShouldContain("title=\"critical low\">LL<");
        row.ShouldContain("≥ 94");
        saturation.ShouldContain("<title>2024-03-01: 82% (critical-low)</title>");

        var temperature = await ReadAsync($"/Charts/Results/{web.PatientId}/8310-5");
        temperature.ShouldContain("40.0 °C");
        temperature.ShouldContain("36.1–38.0");
        temperature.ShouldContain("LOINC <code>8310-5</code>, °C.");
        temperature.ShouldContain("<circle cx=");
        temperature.ShouldContain("class=\"high\"");

        var systolic = await ReadAsync($"/Charts/Results/{web.PatientId}/8480-6");
        systolic.ShouldContain("114 mmHg");
        systolic.ShouldNotContain("77 mmHg");
        ShowsNoRawValues(saturation + temperature + systolic);
    }

    [Fact]
    public async Task Flags_are_decided_when_the_record_is_read_so_rows_stored_without_one_are_flagged()
    {
        // The fixture cleared every stored flag of the patient, as rows imported before the vital-sign table were left.
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM clinical.observations WHERE patient_id = '{web.PatientId}' AND flag IS NOT NULL"))
            .ShouldBe(0);

        var encounter = await ReadAsync($"/Charts/Encounter/{web.PatientId}/{web.EncounterId}");

        Row(encounter, "2708-6").ShouldContain("title=\"critical low\">LL<");
    }

    [Fact]
    public async Task A_real_Synthea_patient_s_blood_pressures_read_systolic_over_diastolic_on_every_page()
    {
        var patientId = web.SyntheaPatientId;
        var pressures = await Db.ScalarAsync<string>($"""
            SELECT string_agg(o.encounter_id || '|' || s.value_quantity || '|' || d.value_quantity, ';' ORDER BY o.effective_at DESC)
            FROM clinical.observations o
            JOIN clinical.observation_components s ON s.parent_id = o.id AND s.code = '8480-6'
            JOIN clinical.observation_components d ON d.parent_id = o.id AND d.code = '8462-4'
            WHERE o.patient_id = '{patientId}' AND o.code = '85354-9'
            """);
        var readings = pressures.Split(';').Select(r => r.Split('|')).Select(r => (Encounter: r[0], Systolic: Whole(r[1]), Diastolic: Whole(r[2]))).ToList();
        readings.Count.ShouldBeGreaterThan(3);
        readings.ShouldAllBe(r => r.Systolic > r.Diastolic);

        var chart = await ReadAsync($"/Charts/Chart/{patientId}");
        Row(chart, "8480-6").ShouldContain($"{readings[0].Systolic} mmHg");
        Row(chart, "8462-4").ShouldContain($"{readings[0].Diastolic} mmHg");

        foreach (var reading in readings)
        {
            var encounter = await ReadAsync($"/Charts/Encounter/{patientId}/{reading.Encounter}");
            Row(encounter, "85354-9").ShouldContain($"{reading.Systolic}/{reading.Diastolic} mmHg");
            encounter.ShouldNotContain($"{reading.Diastolic}/{reading.Systolic} mm");
        }

        var systolic = await ReadAsync($"/Charts/Results/{patientId}/8480-6");
        Regex.Matches(systolic, "<td class=\"value\">(\\d+) mmHg</td>").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .ShouldBe(readings.Select(r => r.Systolic));
        var diastolic = await ReadAsync($"/Charts/Results/{patientId}/8462-4");
        Regex.Matches(diastolic, "<td class=\"value\">(\\d+) mmHg</td>").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .ShouldBe(readings.Select(r => r.Diastolic));
        ShowsNoRawValues(chart + systolic + diastolic);
    }

    private static int Whole(string value) =>
        (int)Math.Round(decimal.Parse(value, CultureInfo.InvariantCulture), MidpointRounding.AwayFromZero);

    /// <summary>UCUM codes and unrounded numbers never reach the page.</summary>
    private static void ShowsNoRawValues(string html)
    {
        foreach (var raw in new[] { " Cel<", " Cel ", "mm[Hg]", "10*6/uL", "10*3/uL", "kg/m2", " /min", "{score}", "40.042", "17.465", "5.2911" })
            html.ShouldNotContain(raw);
    }

    private static void NoteIsInert(string note)
    {
        foreach (var forbidden in new[] { "<script", "onerror", "javascript:", "<img", "onclick", "<iframe", "alert(" })
            note.ShouldNotContain(forbidden, Case.Insensitive);
        note.ShouldContain("Visit summary");
        note.ShouldContain("<b>Allergic</b>");
        // The Markdown link keeps its words and loses its target.
        note.ShouldContain("open the record");
    }
}

/// <summary>The web app with a Synthea patient and a small synthetic patient whose encounter the same physician took part in.</summary>
public sealed class ClinicalValueWebFixture : IAsyncLifetime
{
    private const string Patient = "5d3c2b1a-0f9e-4d8c-b7a6-954433221100";
    private const string Encounter = "5d3c2b1a-0000-4000-8000-000000000001";
    private const string Note = "5d3c2b1a-0000-4000-8000-000000000009";

    private readonly WebFixture _web = new();

    public TestDatabase Database => _web.Database;

    public HttpClient Physician { get; private set; } = null!;

    public Guid PatientId { get; private set; }

    public Guid EncounterId { get; private set; }

    public Guid NoteId { get; private set; }

    public Guid SyntheaPatientId { get; private set; }

    public async Task InitializeAsync()
    {
        await _web.InitializeAsync();
        await ClinicalData.ImportAsync(Database, ClinicalData.Cortes);
        SyntheaPatientId = await ClinicalData.PatientIdAsync(Database, ClinicalData.Cortes);
        var npi = await ClinicalData.TreatingNpiAsync(Database, SyntheaPatientId);

        await using (var services = Database.Services())
        await using (var scope = services.CreateAsyncScope())
        {
            var summary = await scope.ServiceProvider.GetRequiredService<ImportBundlesHandler>()
                .HandleAsync(new ImportBundlesCommand([BundleFile.FromBytes("values.json", Encoding.UTF8.GetBytes(Bundle(npi)))]), CancellationToken.None);
            summary.Value!.Files.Single().Error.ShouldBeNull();
        }

        PatientId = await ClinicalData.PatientIdAsync(Database, Patient);
        EncounterId = await Database.ScalarAsync<Guid>($"SELECT id FROM clinical.encounters WHERE fhir_id = '{Encounter}'");
        NoteId = await Database.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE fhir_id = '{Note}'");
        // As rows imported before there was a vital-sign table: no stored flag or range. The pages must flag them anyway.
        await Database.ExecuteAsync(
            $"UPDATE clinical.observations SET flag = NULL, reference_low = NULL, reference_high = NULL WHERE patient_id = '{PatientId}'",
            Database.OwnerConnectionString);

        var physician = await Personas.CreateAsync(_web.Services, Roles.Physician, npi: npi);
        Physician = _web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(Physician, physician.Email, physician.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    public async Task DisposeAsync()
    {
        Physician.Dispose();
        await _web.DisposeAsync();
    }

    private static string Bundle(string npi)
    {
        const string vital = "vital-signs";
        // Blank lines between the attacks: a tag alone on a line opens a raw HTML block that runs to the next blank line
        // (CommonMark 4.6), which would turn the Markdown link after it into plain text instead of testing it as a link.
        var note = """
            2024-03-01

            # Chief Complaint
            Fever and shortness of breath.

            ## Plan
            - oxygen by nasal cannula
            - blood cultures

            Working diagnosis: **Sepsis**.

            <script>alert('note')</script>

            <img src="x" onerror="alert('img')">

            [open the record](javascript:alert('link'))

            <div onclick="alert('div')"><b>Allergic</b> to penicillin</div>

            <iframe src="https://example.org/"></iframe>

            Visit summary ends here.
            """;
        string Observation(string id, string category, string code, string display, string value) => $$$"""
            {"fullUrl": "urn:uuid:{{{id}}}", "resource": {"resourceType": "Observation", "id": "{{{id}}}", "status": "final",
             "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "{{{category}}}"}]}],
             "code": {"coding": [{"system": "http://loinc.org", "code": "{{{code}}}", "display": "{{{display}}}"}]},
             "subject": {"reference": "urn:uuid:{{{Patient}}}"}, "encounter": {"reference": "urn:uuid:{{{Encounter}}}"},
             "effectiveDateTime": "2024-03-01T09:05:00+00:00", {{{value}}} }}
            """;
        static string Quantity(string value, string unit) =>
            $$"""
            "valueQuantity": {"value": {{value}}, "unit": "{{unit}}", "system": "http://unitsofmeasure.org", "code": "{{unit}}"}
            """;
        static string Component(string code, string display, int value) =>
            $$"""
            {"code": {"coding": [{"system": "http://loinc.org", "code": "{{code}}", "display": "{{display}}"}]},
             "valueQuantity": {"value": {{value}}, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"} }
            """;
        return $$$"""
            {"resourceType": "Bundle", "type": "transaction", "entry": [
             {"fullUrl": "urn:uuid:{{{Patient}}}", "resource": {"resourceType": "Patient", "id": "{{{Patient}}}", "gender": "female",
              "birthDate": "1975-04-02", "name": [{"family": "Valuetest", "given": ["Quinn"]}]}},
             {"fullUrl": "urn:uuid:{{{Encounter}}}", "resource": {"resourceType": "Encounter", "id": "{{{Encounter}}}", "status": "finished",
              "class": {"code": "EMER"}, "type": [{"coding": [{"system": "http://snomed.info/sct", "code": "50849002", "display": "Emergency room admission"}]}],
              "subject": {"reference": "urn:uuid:{{{Patient}}}"}, "period": {"start": "2024-03-01T09:00:00+00:00", "end": "2024-03-01T11:00:00+00:00"},
              "participant": [{"individual": {"reference": "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|{{{npi}}}"}}]}},
             {{{Observation("5d3c2b1a-0000-4000-8000-000000000002", vital, "85354-9", "Blood pressure panel with all children optional",
                 "\"component\": [" + Component("8462-4", "Diastolic Blood Pressure", 77) + ", " + Component("8480-6", "Systolic Blood Pressure", 114) + "]")}}},
             {{{Observation("5d3c2b1a-0000-4000-8000-000000000003", vital, "2708-6", "Oxygen saturation in Arterial blood", Quantity("82", "%"))}}},
             {{{Observation("5d3c2b1a-0000-4000-8000-000000000004", vital, "8310-5", "Body temperature", Quantity("40.042", "Cel"))}}},
             {{{Observation("5d3c2b1a-0000-4000-8000-000000000005", vital, "9279-1", "Respiratory rate", Quantity("17.465", "/min"))}}},
             {{{Observation("5d3c2b1a-0000-4000-8000-000000000006", vital, "8867-4", "Heart rate", Quantity("72", "/min"))}}},
             {{{Observation("5d3c2b1a-0000-4000-8000-000000000007", "laboratory", "789-8", "Erythrocytes [#/volume] in Blood by Automated count",
                 Quantity("5.2911", "10*6/uL"))}}},
             {"fullUrl": "urn:uuid:{{{Note}}}", "resource": {"resourceType": "DocumentReference", "id": "{{{Note}}}", "status": "current",
              "type": {"coding": [{"system": "http://loinc.org", "code": "34117-2", "display": "History and physical note"}]},
              "subject": {"reference": "urn:uuid:{{{Patient}}}"}, "date": "2024-03-01T11:00:00+00:00",
              "content": [{"attachment": {"contentType": "text/plain; charset=utf-8", "data": "{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(note))}}}"}}],
              "context": {"encounter": [{"reference": "urn:uuid:{{{Encounter}}}"}]} } }
            ]}
            """;
    }
}
