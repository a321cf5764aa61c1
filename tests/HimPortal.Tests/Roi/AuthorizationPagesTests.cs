using System.Net;
using HimPortal.Application.Access;
using HimPortal.Data.Roi;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;

namespace HimPortal.Tests.Roi;

/// <summary>The page x role matrix of a request's authorization tab and evidence pack (folder policy /Roi: Roi.Process).</summary>
public sealed class AuthorizationPagesTests(WebFixture web) : IClassFixture<WebFixture>
{
    [Fact]
    public async Task Only_roles_that_process_releases_open_the_authorization_tab_and_the_evidence_pack()
    {
        var patient = await CandidatePairs.PatientAsync(web.Database, "Page", "Matrix");
        var requestId = await ReleaseRequests.AddAsync(web.Database, patient, RequesterTypes.Subpoena, RequestStatuses.Processing);
        var personas = await Personas.OnePerRoleAsync(web.Services);
        foreach (var persona in personas.Values)
        {
            using var client = web.Factory.Browserless();
            (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
            var allowed = RolePermissions.Grants([persona.Role], Permissions.RoiProcess);
            foreach (var page in new[] { $"/Roi/Requests/{requestId}/Authorization", $"/Roi/Requests/{requestId}/Evidence" })
            {
                var response = await client.GetAsync(new Uri(page, UriKind.Relative));
                if (allowed)
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{persona.Role} -> {page}");
                }
                else
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{persona.Role} -> {page}");
                    response.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
                }
            }

            if (allowed)
            {
                var html = await client.GetStringAsync(new Uri($"/Roi/Requests/{requestId}/Authorization", UriKind.Relative));
                html.ShouldContain("data-testid=\"legal-form\"");
                html.ShouldContain("data-testid=\"tab-authorization\"");
                html.ShouldContain("satisfactory assurances");
                var pack = await HimPortalFactory.PostFormAsync(client, $"/Roi/Requests/{requestId}/Evidence", $"/Roi/Requests/{requestId}/Evidence", []);
                pack.StatusCode.ShouldBe(HttpStatusCode.OK);
                pack.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
            }
        }

        (await HimPortalFactory.PostFormAsync(web.Factory.Browserless(), "/Account/Login", $"/Roi/Requests/{Guid.NewGuid()}/Evidence", []))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task The_check_shows_the_scanned_forms_pages_to_the_specialist_beside_the_checklist()
    {
        var patient = await CandidatePairs.PatientAsync(web.Database, "Form", "Pages");
        var requestId = await ReleaseRequests.AddAsync(web.Database, patient, RequesterTypes.AuthorizedThirdParty, RequestStatuses.Validating);
        var form = await FiledDocuments.FileAsync(web.Services, DateTimeOffset.UtcNow, patient, null, pages: 2);
        var persona = await Personas.CreateAsync(web.Services, Roles.RoiSpecialist);
        using var client = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password);
        var version = await web.Database.ScalarAsync<long>($"SELECT xmin::text::bigint FROM roi.requests WHERE id = '{requestId}'");
        var page = $"/Roi/Requests/{requestId}/Authorization";

        var recorded = await HimPortalFactory.PostFormAsync(client, page, page + "?handler=Record", new()
        {
            ["Record.RequestVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Record.DocumentId"] = form.Id.ToString(),
            ["Record.Description"] = "All records",
            ["Record.SignedOn"] = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        });

        recorded.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var html = await client.GetStringAsync(new Uri(page, UriKind.Relative));
        var images = System.Text.RegularExpressions.Regex.Matches(html, "<img src=\"([^\"]+)\"[^>]*data-testid=\"check-form-page\"");
        images.Count.ShouldBe(2);
        var image = await client.GetAsync(new Uri(System.Net.WebUtility.HtmlDecode(images[0].Groups[1].Value), UriKind.Relative));
        image.StatusCode.ShouldBe(HttpStatusCode.OK);
        image.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        (await web.Database.ScalarAsync<long>($"SELECT count(*) FROM roi.request_documents WHERE request_id = '{requestId}' AND role = 'authorization'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_request_that_does_not_exist_is_not_found()
    {
        var persona = await Personas.CreateAsync(web.Services, Roles.RoiSpecialist);
        using var client = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password);
        (await client.GetAsync(new Uri($"/Roi/Requests/{Guid.NewGuid()}/Authorization", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
