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
        [Roles.Administrator, Roles.Physician, Roles.HimClerk, Roles.HimManager, Roles.RoiSpecialist, Roles.ComplianceOfficer, Roles.Patient];

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
}
