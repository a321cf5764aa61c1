using System.Net;
using HimPortal.Application.Access;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;

namespace HimPortal.Tests.Roi;

/// <summary>The request pages through the real web app: the page × role matrix, and the New request form's fields as posted.</summary>
public sealed class RoiPagesTests(WebFixture web) : IClassFixture<WebFixture>
{
    private static readonly string[] MatrixRoles =
        [Roles.Administrator, Roles.Physician, Roles.HimClerk, Roles.HimManager, Roles.RoiSpecialist, Roles.ComplianceOfficer];

    /// <summary>Each page and the permission it needs.</summary>
    private static readonly (string Page, string Permission)[] Pages =
    [
        ("/Roi", Permissions.RoiProcess),
        ("/Roi/Requests/New", Permissions.RoiProcess),
        ("/Roi/Requests/{request}", Permissions.RoiProcess),
        ("/Roi/Requests/{request}/Edit", Permissions.RoiProcess),
        ("/Roi/Settings", Permissions.RoiConfigure),
        ("/Roi/Numbers", Permissions.RoiNumbers),
    ];

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var (page, _) in Pages)
        {
            foreach (var role in MatrixRoles)
            {
                data.Add(page, role);
            }
        }

        return data;
    }

    private async Task<HttpClient> SignedInAsync(string role)
    {
        var client = web.Factory.Browserless();
        var persona = await Personas.CreateAsync(web.Services, role);
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_page_is_open_to_its_roles_and_refused_to_the_others(string page, string role)
    {
        var patient = await CandidatePairs.PatientAsync(web.Database, "Page", "Matrix");
        var request = await ReleaseRequests.AddAsync(web.Database, patient);
        var path = page.Replace("{request}", request.ToString("D"), StringComparison.Ordinal);
        using var client = await SignedInAsync(role);

        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        var permission = Pages.Single(p => p.Page == page).Permission;
        if (RolePermissions.Grants([role], permission))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{role} {page}");
        }
        else
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{role} {page}");
            response.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
        }
    }

    [Fact]
    public async Task The_new_request_form_logs_a_request_or_shows_every_mistake_and_saves_nothing()
    {
        var patient = await CandidatePairs.PatientAsync(web.Database, "Form", "Poster", "MRN-FORM-POST");
        using var client = await SignedInAsync(Roles.RoiSpecialist);
        var formPage = $"/Roi/Requests/New?patientId={patient}";
        var html = await client.GetStringAsync(new Uri(formPage, UriKind.Relative));
        html.ShouldContain("MRN-FORM-POST");

        var before = await web.Database.ScalarAsync<long>("SELECT count(*) FROM roi.requests");
        var refused = await HimPortalFactory.PostFormAsync(client, formPage, formPage, new()
        {
            ["PatientId"] = patient.ToString(), ["Form.RequesterType"] = RequesterTypes.Attorney, ["Form.RequesterName"] = "",
            ["Form.ScopeKind"] = ScopeKinds.WholeRecord, ["Form.Format"] = ReleaseFormats.Pdf, ["Form.Delivery"] = DeliveryMethods.UnencryptedEmail,
            ["Form.RequesterEmail"] = "lawyer@example.test", ["Form.ReceivedOn"] = "2026-01-05",
        });
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        page.ShouldContain("Enter the requester's name.");
        page.ShouldContain("Unencrypted e-mail is only for the individual's own request");
        (await web.Database.ScalarAsync<long>("SELECT count(*) FROM roi.requests")).ShouldBe(before);

        var logged = await HimPortalFactory.PostFormAsync(client, formPage, formPage, new()
        {
            ["PatientId"] = patient.ToString(), ["Form.RequesterType"] = RequesterTypes.Subpoena, ["Form.RequesterName"] = "Counsel for the plaintiff",
            ["Form.RequesterAddress"] = "2 Court Street\nBoston, MA 02108", ["Form.ScopeKind"] = ScopeKinds.Specific, ["Form.ScopeFrom"] = "2020-01-01",
            ["Form.ScopeTo"] = "2024-12-31", ["Form.ScopeSections"] = "lab-results", ["Form.Format"] = ReleaseFormats.Paper, ["Form.Delivery"] = DeliveryMethods.Mail,
            ["Form.ReceivedOn"] = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"), ["Form.ReturnDate"] = DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd"),
            ["Form.CertificationRequested"] = "true", ["Form.SatisfactoryAssurances"] = "Notice to the individual, no objection in time",
            ["Form.LegalObjections"] = "none", ["Form.StateCode"] = "MA",
        });
        logged.StatusCode.ShouldBe(HttpStatusCode.Redirect, WebUtility.HtmlDecode(await logged.Content.ReadAsStringAsync()));
        var overview = logged.Headers.Location!.ToString();
        overview.ShouldStartWith("/Roi/Requests/");
        var shown = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri(overview, UriKind.Relative)));
        shown.ShouldContain("The return date of the subpoena");
        shown.ShouldContain("data-testid=\"timeline-entry\" data-kind=\"logged\"");
        shown.ShouldContain("lab-results");
        shown.ShouldContain("data-testid=\"extension-refused\"");
    }

    private Task<uint> VersionAsync(Guid request) => web.Database.ScalarAsync<uint>($"SELECT xmin FROM roi.requests WHERE id = '{request}'");

    [Fact]
    public async Task The_overviews_actions_move_extend_and_open_the_letter_and_the_edit_form_saves()
    {
        var patient = await CandidatePairs.PatientAsync(web.Database, "Overview", "Actions", "MRN-OVERVIEW-ACT");
        var request = await ReleaseRequests.AddAsync(web.Database, patient, receivedAt: DateTimeOffset.UtcNow.AddDays(-3));
        using var client = await SignedInAsync(Roles.RoiSpecialist);
        var overview = $"/Roi/Requests/{request}";

        var noReason = await HimPortalFactory.PostFormAsync(client, overview, overview + "?handler=Move", new()
        {
            ["To"] = RequestStatuses.WaitingForInformation, ["Reason"] = "", ["Version"] = (await VersionAsync(request)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        noReason.StatusCode.ShouldBe(HttpStatusCode.OK);
        WebUtility.HtmlDecode(await noReason.Content.ReadAsStringAsync()).ShouldContain("Say what is waited for.");

        var moved = await HimPortalFactory.PostFormAsync(client, overview, overview + "?handler=Move", new()
        {
            ["To"] = RequestStatuses.Validating, ["Version"] = (await VersionAsync(request)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        moved.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var extended = await HimPortalFactory.PostFormAsync(client, overview, overview + "?handler=Extend", new()
        {
            ["Reasons"] = "Records are in off-site storage.", ["Version"] = (await VersionAsync(request)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        extended.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var html = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri(overview, UriKind.Relative)));
        html.ShouldContain("data-testid=\"extension-given\"");
        html.ShouldContain("extended once by 30 days");
        var letter = System.Text.RegularExpressions.Regex.Match(html, "href=\"([^\"]+handler=Letter[^\"]+)\" data-testid=\"letter-extension-notice\"");
        letter.Success.ShouldBeTrue(html);
        var pdf = await client.GetAsync(new Uri(letter.Groups[1].Value, UriKind.Relative));
        pdf.StatusCode.ShouldBe(HttpStatusCode.OK);
        pdf.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");

        var edit = $"/Roi/Requests/{request}/Edit";
        var saved = await HimPortalFactory.PostFormAsync(client, edit, edit, new()
        {
            ["Version"] = (await VersionAsync(request)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Form.RequesterType"] = RequesterTypes.Patient, ["Form.RequesterName"] = "Renamed Requester", ["Form.RequesterEmail"] = "r@example.test",
            ["Form.ScopeKind"] = ScopeKinds.DesignatedRecordSet, ["Form.Format"] = ReleaseFormats.FhirJson, ["Form.Delivery"] = DeliveryMethods.SecureDownload,
            ["Form.ReceivedOn"] = DateTime.UtcNow.AddDays(-3).ToString("yyyy-MM-dd"), ["Form.StateCode"] = "MA",
        });
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect, WebUtility.HtmlDecode(await saved.Content.ReadAsStringAsync()));
        WebUtility.HtmlDecode(await client.GetStringAsync(new Uri(overview, UriKind.Relative))).ShouldContain("Renamed Requester");
    }

    [Fact]
    public async Task The_settings_page_saves_the_policy_and_a_state_and_refuses_a_flat_fee_above_650()
    {
        using var client = await SignedInAsync(Roles.HimManager);
        var version = await web.Database.ScalarAsync<uint>("SELECT xmin FROM roi.settings WHERE id = 1");
        Dictionary<string, string> Policy(string flat) => new()
        {
            ["Policy.HospitalState"] = "MA", ["Policy.PolicyDays"] = "30", ["Policy.PatientFeeMethod"] = "flat", ["Policy.PatientFlatFee"] = flat,
            ["Policy.PatientLaborPage"] = "0.10", ["Policy.PaperPage"] = "0.05", ["Policy.Media"] = "3.00", ["Policy.Postage"] = "1.50",
            ["Policy.PatientAverageElectronic"] = "6.50", ["Policy.FeeWaivedRequesterTypes"] = RequesterTypes.ContinuityOfCare,
            ["Policy.ReleaseWaitsForPayment"] = "true", ["Policy.DownloadLinkDays"] = "30", ["Policy.DownloadLinkMaxDownloads"] = "3",
            ["Policy.Version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var refused = await HimPortalFactory.PostFormAsync(client, "/Roi/Settings", "/Roi/Settings?handler=Policy", Policy("6.51"));
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()).ShouldContain("at most $6.50");
        (await HimPortalFactory.PostFormAsync(client, "/Roi/Settings", "/Roi/Settings?handler=Policy", Policy("5.00"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.Database.ScalarAsync<int>("SELECT patient_flat_fee_cents FROM roi.settings")).ShouldBe(500);

        var state = await HimPortalFactory.PostFormAsync(client, "/Roi/Settings", "/Roi/Settings?handler=State", new()
        {
            ["State.StateCode"] = "ZZ", ["State.Name"] = "Example", ["State.Citation"] = "Example Code 1", ["State.IndividualAccessDays"] = "10",
            ["State.IndividualAccessBusinessDays"] = "true", ["State.ThirdPartyDays"] = "20", ["State.Tiers[0].From"] = "1", ["State.Tiers[0].To"] = "10",
            ["State.Tiers[0].PerPage"] = "1.00", ["State.Tiers[1].From"] = "11", ["State.Tiers[1].PerPage"] = "0.50", ["State.RetrievalFee"] = "15.00",
            ["State.CertificationFee"] = "10.00", ["State.Active"] = "true",
        });
        state.StatusCode.ShouldBe(HttpStatusCode.Redirect, WebUtility.HtmlDecode(await state.Content.ReadAsStringAsync()));
        (await web.Database.ScalarAsync<string>("SELECT page_tiers::text FROM roi.state_rules WHERE state_code = 'ZZ'")).ShouldContain("\"cents\": 50");
    }
}
