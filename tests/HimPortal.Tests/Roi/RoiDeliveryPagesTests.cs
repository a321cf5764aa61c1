using System.Net;
using HimPortal.Application.Access;
using HimPortal.Application.Roi.Delivery;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;

namespace HimPortal.Tests.Roi;

/// <summary>The fee, delivery and accounting pages through the real app: the page × role matrix and the anonymous download page.</summary>
public sealed class RoiDeliveryPagesTests(WebFixture web) : IClassFixture<WebFixture>
{
    private static readonly string[] MatrixRoles =
        [Roles.Physician, Roles.HimClerk, Roles.HimManager, Roles.RoiSpecialist, Roles.ComplianceOfficer, Roles.Administrator];

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var page in new[] { "/Roi/Requests/{request}/Fees", "/Roi/Requests/{request}/Delivery", "/Roi/Accounting", "/Roi/Accounting/{patient}" })
        {
            foreach (var role in MatrixRoles)
            {
                data.Add(page, role);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_page_is_open_to_the_ROI_roles_and_refused_to_the_others(string page, string role)
    {
        var patient = await CandidatePairs.PatientAsync(web.Database, "Page", "Matrix");
        var request = await ReleaseRequests.AddAsync(web.Database, patient, RequesterTypes.PublicHealth, RequestStatuses.Ready);
        var path = page.Replace("{request}", request.ToString("D"), StringComparison.Ordinal).Replace("{patient}", patient.ToString("D"), StringComparison.Ordinal);
        using var client = web.Factory.Browserless();
        var persona = await Personas.CreateAsync(web.Services, role);
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        if (RolePermissions.Grants([role], Permissions.RoiProcess))
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
    public async Task The_download_page_is_anonymous_and_refuses_an_unknown_link_plainly()
    {
        using var client = web.Factory.Browserless();
        var token = DownloadTokens.New();
        var get = await client.GetAsync(new Uri("/Release?token=" + token, UriKind.Relative));
        get.StatusCode.ShouldBe(HttpStatusCode.OK);
        get.Headers.CacheControl!.NoStore.ShouldBeTrue();
        (await get.Content.ReadAsStringAsync()).ShouldContain("data-testid=\"release-download\"");

        var post = await HimPortalFactory.PostFormAsync(client, "/Release?token=" + token, "/Release", new() { ["Token"] = token });
        post.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await post.Content.ReadAsStringAsync()).ShouldContain("This link is not valid.");
    }

    [Fact]
    public async Task The_fee_page_shows_the_calculation_with_each_rule_and_the_delivery_page_what_blocks_release()
    {
        var patient = await CandidatePairs.PatientAsync(web.Database, "Fee", "Page");
        var request = await ReleaseRequests.AddAsync(web.Database, patient, RequesterTypes.Patient, RequestStatuses.Ready, format: ReleaseFormats.Pdf);
        using var client = web.Factory.Browserless();
        var persona = await Personas.CreateAsync(web.Services, Roles.RoiSpecialist);
        await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password);

        var fees = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri($"/Roi/Requests/{request}/Fees", UriKind.Relative)));
        fees.ShouldContain("data-testid=\"fee-line\"");
        fees.ShouldContain("Flat fee for an electronic copy of electronic records");
        fees.ShouldContain("164.524(c)(4)");
        fees.ShouldContain("data-testid=\"tab-fees\"");

        var delivery = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri($"/Roi/Requests/{request}/Delivery", UriKind.Relative)));
        delivery.ShouldContain("The requester's identity has not been verified");
        delivery.ShouldNotContain("data-testid=\"create-link\"");
    }
}
