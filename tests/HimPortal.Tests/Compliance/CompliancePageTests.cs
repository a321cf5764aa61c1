using System.Net;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using Microsoft.Extensions.DependencyInjection;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Compliance;

/// <summary>The compliance pages through the real app: who may see the log, the CSV download, rules, tamper evidence, profiles.</summary>
public sealed partial class CompliancePageTests(WebFixture web) : IClassFixture<WebFixture>
{
    private async Task<HttpClient> SignedInAsync(Persona persona)
    {
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    private const string Empty = "{}";

    private async Task<Guid> PatientAsync(string given, string family)
    {
        var id = Guid.CreateVersion7();
        await web.Database.ExecuteAsync($"""
            INSERT INTO clinical.patients (id, fhir_id, resource, source_hash, imported_at, mrn, family_name, given_names, search_name, deceased)
            VALUES ('{id}', '{id:N}', '{Empty}', decode(repeat('00', 32), 'hex'), now(), 'PG-{id.ToString("N")[..8]}', '{family}', '{given}',
                    lower('{given} {family}'), false)
            """);
        return id;
    }

    [Fact]
    public async Task Only_compliance_officers_and_him_managers_may_open_any_compliance_page()
    {
        var personas = await Personas.OnePerRoleAsync(web.Services);
        var patient = await PatientAsync("Page", "Matrix");
        string[] pages =
        [
            "/Compliance", "/Compliance/AccessLog", $"/Compliance/AccessLog?patientId={patient}", "/Compliance/BreakGlass", "/Compliance/Alerts",
            "/Compliance/Rules", "/Compliance/Integrity", $"/Compliance/Patient/{patient}", $"/Compliance/User/{personas[Roles.Physician].Id}",
            $"/Compliance/BreakGlassReview/{Guid.NewGuid()}", $"/Compliance/Alert/{Guid.NewGuid()}",
            $"/Compliance/AccessLog?patientId={patient}&handler=Export",
        ];
        foreach (var persona in personas.Values)
        {
            using var client = await SignedInAsync(persona);
            var reviewer = persona.Role is Roles.ComplianceOfficer or Roles.HimManager;
            foreach (var page in pages)
            {
                var response = await client.GetAsync(new Uri(page, UriKind.Relative));
                if (reviewer)
                {
                    response.StatusCode.ShouldBeOneOf([HttpStatusCode.OK, HttpStatusCode.NotFound], $"{persona.Role} -> {page}");
                }
                else
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{persona.Role} -> {page}");
                    response.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
                }
            }
        }

        using var anonymous = web.Factory.Browserless();
        var refused = await anonymous.GetAsync(new Uri("/Compliance/AccessLog", UriKind.Relative));
        refused.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    [Fact]
    public async Task The_csv_download_streams_the_patients_history_with_its_closing_hash_line()
    {
        var officer = await Personas.CreateAsync(web.Services, Roles.ComplianceOfficer);
        var patient = await PatientAsync("Csv", "Download");
        using var client = await SignedInAsync(officer);
        // The officer's own search names the patient: the log then has a row to export.
        (await client.GetAsync(new Uri($"/Compliance/AccessLog?patientId={patient}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        web.Factory.Clock.Advance(TimeSpan.FromSeconds(1));

        var response = await client.GetAsync(new Uri($"/Compliance/AccessLog?patientId={patient}&handler=Export", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("occurred_at_utc,user_name");
        ClosingLine().IsMatch(text).ShouldBeTrue(text);
    }

    [Fact]
    public async Task A_refused_export_filter_shows_the_reason_instead_of_a_file()
    {
        var officer = await Personas.CreateAsync(web.Services, Roles.ComplianceOfficer);
        using var client = await SignedInAsync(officer);
        var response = await client.GetAsync(new Uri("/Compliance/AccessLog?from=2020-01-01&to=2026-01-01&handler=Export", UriKind.Relative));

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await response.Content.ReadAsStringAsync()).ShouldContain("at most 31 days");
    }

    [Fact]
    public async Task A_him_manager_reads_the_rules_but_only_a_compliance_officer_changes_them()
    {
        var manager = await Personas.CreateAsync(web.Services, Roles.HimManager);
        var officer = await Personas.CreateAsync(web.Services, Roles.ComplianceOfficer);
        using var managerClient = await SignedInAsync(manager);
        var page = await managerClient.GetStringAsync(new Uri("/Compliance/Rules", UriKind.Relative));
        page.ShouldContain("Own record");
        page.ShouldNotContain("data-testid=\"rule-form\"");
        var refused = await HimPortalFactory.PostFormAsync(managerClient, "/Compliance/Rules", "/Compliance/Rules?handler=Run",
            new Dictionary<string, string> { ["days"] = "1" });
        // The handler refuses (and audits) what the page never offered: the one mapping answers 403, the access-denied page.
        refused.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");

        using var officerClient = await SignedInAsync(officer);
        var saved = await HimPortalFactory.PostFormAsync(officerClient, "/Compliance/Rules", "/Compliance/Rules?handler=Update",
            new Dictionary<string, string> { ["code"] = "deceased-patient", ["enabled"] = "true", ["version"] = "0", ["p.daysAfterDeath"] = "120", ["p.includeOperations"] = "false" });
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.Database.ScalarAsync<string>("SELECT parameters->>'daysAfterDeath' FROM compliance.monitoring_rules WHERE rule_code = 'deceased-patient'")).ShouldBe("120");
        var bad = await HimPortalFactory.PostFormAsync(officerClient, "/Compliance/Rules", "/Compliance/Rules?handler=Update",
            new Dictionary<string, string> { ["code"] = "unusual-volume", ["enabled"] = "true", ["version"] = "0", ["p.factor"] = "lots", ["p.minimumPatients"] = "20", ["p.baselineDays"] = "30" });
        (await bad.Content.ReadAsStringAsync()).ShouldContain("Times the user&#x27;s usual day: give a number from 1.1 to 100.");
    }

    [Fact]
    public async Task The_tamper_evidence_page_verifies_the_chain_in_the_background_and_checks_an_exported_row()
    {
        var officer = await Personas.CreateAsync(web.Services, Roles.ComplianceOfficer);
        using var client = await SignedInAsync(officer);
        var queued = await HimPortalFactory.PostFormAsync(client, "/Compliance/Integrity", "/Compliance/Integrity?handler=Verify", []);
        queued.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        string status = "";
        for (var i = 0; i < 60 && status is not ("intact" or "broken" or "failed"); i++)
        {
            await Task.Delay(500);
            status = await web.Database.ScalarAsync<string>("SELECT status FROM compliance.chain_verifications ORDER BY requested_at DESC LIMIT 1");
        }

        status.ShouldBe("intact");
        var page = await client.GetStringAsync(new Uri("/Compliance/Integrity", UriKind.Relative));
        page.ShouldContain("data-status=\"intact\"");

        var (id, hash) = (await web.Database.ScalarAsync<string>("SELECT id::text || ' ' || encode(hash, 'hex') FROM audit.access_events ORDER BY occurred_at DESC LIMIT 1")).Split(' ') switch
        {
            var parts => (parts[0], parts[1]),
        };
        var good = await client.GetStringAsync(new Uri($"/Compliance/Integrity?rowId={id}&hash={hash}", UriKind.Relative));
        good.ShouldContain("the export matches the log");
        var wrong = await client.GetStringAsync(new Uri($"/Compliance/Integrity?rowId={id}&hash={new string('0', 64)}", UriKind.Relative));
        wrong.ShouldContain("with a different hash");
    }

    [Fact]
    public async Task An_administrator_fills_in_a_users_profile_for_privacy_monitoring()
    {
        var admin = await Personas.CreateAsync(web.Services, Roles.Administrator);
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = await SignedInAsync(admin);
        var details = await client.GetStringAsync(new Uri($"/Administration/Users/Details?id={clerk.Id}", UriKind.Relative));
        var stamp = StampField().Match(details).Groups[1].Value;

        var saved = await HimPortalFactory.PostFormAsync(client, $"/Administration/Users/Details?id={clerk.Id}", "/Administration/Users/Details?handler=Profile",
            new Dictionary<string, string>
            {
                ["id"] = clerk.Id.ToString(), ["stamp"] = stamp, ["Profile.Department"] = "Health Information Management",
                ["Profile.FamilyName"] = "Okafor", ["Profile.AddressLine"] = "12 Elm St", ["Profile.PostalCode"] = "01103", ["Profile.PatientMrn"] = "M-42",
            });

        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.Database.ScalarAsync<string>($"SELECT concat_ws('|', department, family_name, address_line, postal_code, patient_mrn) FROM identity.users WHERE id = '{clerk.Id}'"))
            .ShouldBe("Health Information Management|Okafor|12 Elm St|01103|M-42");
        (await web.Database.ScalarAsync<string>($"SELECT details FROM audit.access_events WHERE resource_id = '{clerk.Id}' AND details LIKE 'profile updated%'"))
            .ShouldBe("profile updated: department, family name, address, postal code, patient MRN");
        // The profile the rules judge earlier accesses by is kept: the blank one from the account's creation, then this one.
        (await web.Database.ScalarAsync<string>($"SELECT string_agg(coalesce(department, '-') || CASE WHEN valid_to IS NULL THEN ' (now)' ELSE '' END, ' | ' ORDER BY valid_from) FROM access.user_profile_history WHERE user_id = '{clerk.Id}'"))
            .ShouldBe("- | Health Information Management (now)");
        var bad = await HimPortalFactory.PostFormAsync(client, $"/Administration/Users/Details?id={clerk.Id}", "/Administration/Users/Details?handler=Profile",
            new Dictionary<string, string> { ["id"] = clerk.Id.ToString(), ["stamp"] = stamp, ["Profile.PostalCode"] = "01103; DROP" });
        (await bad.Content.ReadAsStringAsync()).ShouldContain("A postal code has letters, digits, spaces and hyphens only");
    }

    [Fact]
    public async Task A_reviewers_search_by_patient_name_leaves_the_name_in_no_log_line()
    {
        var officer = await Personas.CreateAsync(web.Services, Roles.ComplianceOfficer);
        var patient = await PatientAsync("Philippa", "Quenbyshire");
        using var client = await SignedInAsync(officer);
        (await client.GetAsync(new Uri("/Compliance/AccessLog?patientText=Quenbyshire", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync(new Uri($"/Compliance/Patient/{patient}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync(new Uri($"/Compliance/AccessLog?patientId={patient}&handler=Export", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        web.Factory.Logs.Lines.Where(l => l.Contains("Quenbyshire", StringComparison.OrdinalIgnoreCase)).ShouldBeEmpty();
        web.Factory.Logs.Lines.Where(l => l.Contains("Philippa", StringComparison.OrdinalIgnoreCase)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_patients_access_history_reads_in_words_to_the_second_and_counts_a_grant_once()
    {
        var officer = await Personas.CreateAsync(web.Services, Roles.ComplianceOfficer);
        var physician = await Personas.CreateAsync(web.Services, Roles.Physician);
        var patient = await PatientAsync("Wordy", "Details");
        var grant = Guid.CreateVersion7();
        var actor = new AuditActor(physician.Id, physician.Email, [Roles.Physician], "10.9.8.7", "xunit", null);
        await using (var scope = web.Services.CreateAsyncScope())
        {
            var audit = scope.ServiceProvider.GetRequiredService<AccessAudit>();
            await audit.RecordAloneAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Chart", patient.ToString("D"), patient, "TREAT",
                "sections=demographics,encounters,lab-results; basis=treatment-relationship", actor), CancellationToken.None);
            await audit.RecordAloneAsync(new AuditRecord(AuditAction.BreakGlass, AuditOutcome.Success, "Chart", grant.ToString("D"), patient,
                "Emergency care: the patient needs treatment now", "attested; until=2026-12-02T03:14:09Z; was=no treatment relationship", actor), CancellationToken.None);
            for (var i = 0; i < 3; i++)
            {
                await audit.RecordAloneAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Chart", patient.ToString("D"), patient, "ETREAT",
                    "sections=demographics,encounters; basis=break-glass; break-glass=" + grant.ToString("D"), actor), CancellationToken.None);
            }
        }

        using var client = await SignedInAsync(officer);
        var html = await client.GetStringAsync(new Uri($"/Compliance/Patient/{patient}", UriKind.Relative));

        var details = LogDetails().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value).Trim()).ToList();
        details.ShouldContain("Chart: demographics, encounters, lab results; on a treatment relationship");
        details.Count(d => d == "Chart: demographics, encounters; under break-the-glass").ShouldBe(3);
        details.ShouldNotContain(d => d.Contains("sections=", StringComparison.Ordinal) || d.Contains("basis=", StringComparison.Ordinal));
        LogTimes().Count(html).ShouldBe(5, "every event's time, to the second");
        AccessorBreakGlass().Matches(html).Select(m => m.Groups[1].Value).ShouldBe(["1"], "one grant, not the grant and its three views");
    }

    [GeneratedRegex("data-testid=\"log-details\">([^<]*)")]
    private static partial Regex LogDetails();

    [GeneratedRegex(@"<td class=""when"">\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}</td>")]
    private static partial Regex LogTimes();

    [GeneratedRegex("data-testid=\"accessor-break-glass\">([^<]*)</td>")]
    private static partial Regex AccessorBreakGlass();

    [GeneratedRegex(@"# end of export [0-9a-f-]{36}: \d+ rows; last row [0-9a-f-]{36} lane \d+ sequence \d+ hash [0-9a-f]{64}; exported ")]
    private static partial Regex ClosingLine();

    [GeneratedRegex("name=\"stamp\" value=\"([^\"]+)\"")]
    private static partial Regex StampField();
}
