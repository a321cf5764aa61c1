using System.Net;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;
using HimPortal.Web.Infrastructure;

namespace HimPortal.Tests.Web;

/// <summary>
/// Pages that fit the role, through the real app: what the patient search says and links to for each role, the
/// compliance officer's way from "Find a patient" to the access history, the clerk's restriction marks and chart-access
/// links, and a navigation built from each user's permissions.
/// </summary>
public sealed partial class RolePagesTests(RolePagesFixture web) : IClassFixture<RolePagesFixture>
{
    private TestDatabase Db => web.Database;

    private async Task<HttpClient> SignedInAsync(Persona persona)
    {
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    private async Task<HttpClient> SignedInAsync(string role) => await SignedInAsync(await Personas.CreateAsync(web.Services, role));

    [Theory]
    [InlineData(Roles.Physician)]
    [InlineData(Roles.HimClerk)]
    [InlineData(Roles.HimManager)]
    [InlineData(Roles.RoiSpecialist)]
    [InlineData(Roles.ComplianceOfficer)]
    public async Task The_patient_search_says_and_links_to_what_it_leads_to_for_each_role(string role)
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        using var client = await SignedInAsync(role);

        var html = await client.GetStringAsync(new Uri("/Charts?name=cortes", UriKind.Relative));

        var chart = $"href=\"/Charts/Chart/{patientId}\"";
        var access = $"href=\"/ChartAccess/Patient/{patientId}\"";
        var history = $"href=\"/Compliance/Patient/{patientId}\"";
        html.ShouldContain("Searches are recorded in the access log.");
        html.Contains("Opening a chart needs a treatment relationship, or break-the-glass.", StringComparison.Ordinal)
            .ShouldBe(role == Roles.Physician, "only the physician's chart needs a relationship");
        switch (role)
        {
            case Roles.Physician:
                Title(html).ShouldBe("Patient charts");
                html.ShouldContain(chart);
                html.ShouldNotContain(access);
                html.ShouldNotContain(history);
                html.ShouldNotContain("data-testid=\"lead-access\"");
                break;
            case Roles.HimClerk:
                Title(html).ShouldBe("Patient charts");
                Lead(html, "lead-chart").ShouldBe("A chart shows you the patient's demographics and the list of documents: what your work needs, not the clinical content.");
                Lead(html, "lead-access").ShouldContain("chart access management");
                html.ShouldContain(chart);
                html.ShouldContain(access);
                html.ShouldNotContain(history);
                break;
            case Roles.HimManager:
                Lead(html, "lead-chart").ShouldBe(
                    "A chart shows you the patient's demographics, the encounters (dates, kinds and places) and the list of documents: what your work needs, not the clinical content.");
                Lead(html, "lead-access").ShouldContain("chart access management");
                Lead(html, "lead-history").ShouldContain("who opened the record, when and why");
                html.ShouldContain(chart);
                html.ShouldContain(access);
                html.ShouldContain(history);
                break;
            case Roles.RoiSpecialist:
                Lead(html, "lead-chart").ShouldBe(
                    "A chart shows you the patient's demographics, the encounters (dates, kinds and places) and the list of documents: what your work needs, not the clinical content.");
                html.ShouldContain(chart);
                html.ShouldNotContain(access);
                html.ShouldNotContain(history);
                break;
            case Roles.ComplianceOfficer:
                Title(html).ShouldBe("Find a patient");
                Lead(html, "lead-history").ShouldBe("A patient's name leads to their access history: who opened the record, when and why.");
                html.ShouldNotContain("data-testid=\"lead-chart\"");
                html.ShouldContain(history);
                html.ShouldContain("data-testid=\"open-history\"");
                html.ShouldNotContain(chart, customMessage: "a chart of demographics alone is no place for a reviewer to go");
                html.ShouldNotContain(access);
                break;
        }
    }

    [Fact]
    public async Task The_compliance_officers_find_a_patient_leads_to_the_patients_access_history()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var officer = await Personas.CreateAsync(web.Services, Roles.ComplianceOfficer);
        using var client = await SignedInAsync(officer);

        var home = await client.GetStringAsync(new Uri("/Compliance", UriKind.Relative));
        NavHref(home, "nav-find-patient").ShouldBe("/Charts");

        var search = await client.GetStringAsync(new Uri("/Charts?mrn=" + ClinicalData.Cortes, UriKind.Relative));
        var link = OpenHistory().Match(search);
        link.Success.ShouldBeTrue(search);
        link.Groups[1].Value.ShouldBe($"/Compliance/Patient/{patientId}");

        var history = await client.GetAsync(new Uri(link.Groups[1].Value, UriKind.Relative));
        history.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await history.Content.ReadAsStringAsync();
        page.ShouldContain("data-testid=\"accessors\"");
        page.ShouldContain("Armando772 Cort&#xE9;s936");

        // The chart stays reachable (by address, audited as ever), and it too leads to the history.
        var chart = await client.GetStringAsync(new Uri($"/Charts/Chart/{patientId}", UriKind.Relative));
        chart.ShouldContain($"href=\"/Compliance/Patient/{patientId}\" data-testid=\"access-history-link\"");
        chart.ShouldNotContain("data-testid=\"chart-access-link\"");
        (await Db.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{officer.Id}' AND action = 'view' AND resource_type = 'Chart' AND patient_id = '{patientId}'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_clerk_sees_restriction_marks_in_the_search_and_reaches_chart_access_from_the_chart_and_the_nav()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        using var clerk = await SignedInAsync(Roles.HimClerk);
        var accessPage = $"/ChartAccess/Patient/{patientId}";
        var restricted = await HimPortalFactory.PostFormAsync(clerk, accessPage, accessPage + "?handler=Restrict", new()
        {
            ["Restrict.Vip"] = "true",
            ["Restrict.Employee"] = "true",
            ["Restrict.EmployeeDepartment"] = "Radiology",
        });
        restricted.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var search = await clerk.GetStringAsync(new Uri("/Charts?mrn=" + ClinicalData.Smallest, UriKind.Relative));
        search.ShouldContain("data-testid=\"mark-vip\"");
        search.ShouldContain("data-testid=\"mark-employee\"");
        search.ShouldContain($"href=\"{accessPage}\" data-testid=\"manage-access\"");

        var chart = await clerk.GetStringAsync(new Uri($"/Charts/Chart/{patientId}", UriKind.Relative));
        chart.ShouldContain($"href=\"{accessPage}\" data-testid=\"chart-access-link\"");
        chart.ShouldContain("data-testid=\"patient-restricted\"");
        chart.ShouldNotContain("data-testid=\"access-history-link\"", customMessage: "a clerk does not review the access log");

        // Chart access has an entry of its own in the navigation: a search whose rows lead to the patient's access page.
        NavHref(chart, "nav-chart-access").ShouldBe("/ChartAccess");
        var entry = await clerk.GetStringAsync(new Uri("/ChartAccess?name=zandra", UriKind.Relative));
        entry.ShouldContain($"href=\"{accessPage}\" data-testid=\"manage-access\"");
        entry.ShouldContain("data-testid=\"mark-vip\"");
        (await clerk.GetStringAsync(new Uri(accessPage, UriKind.Relative))).ShouldContain($"href=\"/Charts/Chart/{patientId}\" data-testid=\"open-chart\"");

        // The marks are not the physician's to list: the chart's gate tells them when it matters.
        using var physician = await SignedInAsync(Roles.Physician);
        var theirs = await physician.GetStringAsync(new Uri("/Charts?mrn=" + ClinicalData.Smallest, UriKind.Relative));
        theirs.ShouldContain("data-testid=\"patient-row\"");
        theirs.ShouldNotContain("data-testid=\"mark-vip\"");
        theirs.ShouldNotContain("data-testid=\"mark-employee\"");
    }

    [Fact]
    public async Task The_navigation_offers_every_workflow_the_user_holds_and_only_those()
    {
        foreach (var role in Personas.StaffRoles)
        {
            using var client = await SignedInAsync(role);
            var home = HomePages.For([role]).Single();
            var html = await client.GetStringAsync(new Uri(home.Path, UriKind.Relative));

            foreach (var destination in HomePages.Destinations)
            {
                var offered = NavHref(html, destination.TestId) is not null;
                offered.ShouldBe(RolePermissions.Grants([role], destination.Permission), $"{role}: {destination.Path}");
                if (offered)
                {
                    var response = await client.GetAsync(new Uri(destination.Path, UriKind.Relative));
                    response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{role} -> {destination.Path}");
                }
            }

            NavHref(html, "nav-jobs").ShouldNotBeNull(role);
        }
    }

    [Fact]
    public async Task The_HIM_managers_navigation_has_intake_and_chart_access_beside_the_department()
    {
        using var client = await SignedInAsync(Roles.HimManager);

        var html = await client.GetStringAsync(new Uri("/Management", UriKind.Relative));

        NavTitles(html).ShouldBe(["Department overview", "Record intake", "Indexing queue", "Duplicate worklist", "Matching settings", "Chart access", "ROI numbers", "ROI settings", "Find a patient", "Chart completion", "Requests to amend", "Completion numbers", "Suspension list", "Completion rules", "Access audit review", "Portal accounts", "Portal settings", "Personal representatives", "Jobs"]);
        NavHref(html, "nav-intake").ShouldBe("/Intake");
        NavHref(html, "nav-chart-access").ShouldBe("/ChartAccess");
        html.ShouldContain("href=\"/Management\" data-testid=\"nav-management\" aria-current=\"page\"");
        (await client.GetAsync(new Uri("/Intake/Import", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync(new Uri("/ChartAccess", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var physician = await SignedInAsync(Roles.Physician);
        NavTitles(await physician.GetStringAsync(new Uri("/Charts", UriKind.Relative))).ShouldBe(["Patient charts", "Chart completion inbox", "Completion notices", "Jobs"]);
    }

    private static string Title(string html) => System.Net.WebUtility.HtmlDecode(HomeTitle().Match(html).Groups[1].Value);

    private static string Lead(string html, string testId)
    {
        var match = Regex.Match(html, $"data-testid=\"{testId}\">(.*?)</li>", RegexOptions.Singleline);
        match.Success.ShouldBeTrue($"{testId} in\n{html}");
        return System.Net.WebUtility.HtmlDecode(Regex.Replace(match.Groups[1].Value, "<[^>]+>", ""));
    }

    private static string? NavHref(string html, string testId)
    {
        var match = Regex.Match(html, $"<a href=\"([^\"]+)\" data-testid=\"{testId}\"");
        return match.Success ? match.Groups[1].Value : null;
    }

    private static List<string> NavTitles(string html)
    {
        var nav = NavBlock().Match(html).Groups[1].Value;
        return [.. NavLink().Matches(nav).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))];
    }

    [GeneratedRegex("data-testid=\"home-title\">([^<]*)<")]
    private static partial Regex HomeTitle();

    [GeneratedRegex("<a href=\"([^\"]+)\" data-testid=\"open-history\"")]
    private static partial Regex OpenHistory();

    [GeneratedRegex("<nav aria-label=\"Workflows\"[^>]*>(.*?)</nav>", RegexOptions.Singleline)]
    private static partial Regex NavBlock();

    [GeneratedRegex("<a [^>]*>([^<]*)</a>")]
    private static partial Regex NavLink();
}

/// <summary>The web app with two Synthea patients imported (no large chart: these tests read searches and headers).</summary>
public sealed class RolePagesFixture : IAsyncLifetime
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
