using System.Net;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Mpi;

/// <summary>The duplicate worklist's pages through the real web app: the page × role matrix, and the pair page's form.</summary>
public sealed class MpiPagesTests(WebFixture web) : IClassFixture<WebFixture>
{
    private static readonly string[] MatrixRoles =
        [Roles.Physician, Roles.HimClerk, Roles.HimManager, Roles.RoiSpecialist, Roles.ComplianceOfficer];

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var page in new[] { "/Mpi/Worklist", "/Mpi/Pairs/{pair}", "/Mpi/Persons/{patient}", "/Mpi/Overlay/{patient}" })
        {
            foreach (var role in MatrixRoles)
            {
                data.Add(page, role);
            }
        }

        return data;
    }

    /// <summary>Every page is Mpi.Review's (HIM clerks and managers); the overlay is Records.Correct's as well, which both hold.</summary>
    private static bool Allowed(string role) => RolePermissions.Grants([role], Permissions.MpiReview);

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_page_is_open_to_its_roles_and_refused_to_the_others(string page, string role)
    {
        var a = await CandidatePairs.PatientAsync(web.Database, "Matt", "Rix");
        var b = await CandidatePairs.PatientAsync(web.Database, "Mat", "Rix");
        var pair = await CandidatePairs.AddAsync(web.Database, a, b);
        var path = page.Replace("{pair}", pair.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{patient}", a.ToString("D"), StringComparison.Ordinal);
        using var client = web.Factory.Browserless();
        var persona = await Personas.CreateAsync(web.Services, role);
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        if (Allowed(role))
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
    public async Task The_pair_page_shows_both_records_the_field_colours_and_the_preview_and_refuses_research_without_a_note()
    {
        var a = await CandidatePairs.PatientAsync(web.Database, "Peggy", "Side", "MRN-SIDE-A");
        var b = await CandidatePairs.PatientAsync(web.Database, "Margaret", "Side", "MRN-SIDE-B");
        var pair = await CandidatePairs.AddAsync(web.Database, a, b, score: 0.77);
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, clerk.Email, clerk.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var path = $"/Mpi/Pairs/{pair}";

        var html = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri(path, UriKind.Relative)));
        html.ShouldContain("MRN-SIDE-A");
        html.ShouldContain("MRN-SIDE-B");
        html.ShouldContain("class=\"cmp-partial\"");
        html.ShouldContain("given: partial (+3.1) — nickname");
        html.ShouldContain("data-testid=\"link-preview\"");
        html.ShouldContain("0.77");

        var refused = await HimPortalFactory.PostFormAsync(client, path, path, new()
        {
            ["Input.Decision"] = "needs-research", ["Input.Note"] = "", ["Input.Version"] = (await CandidatePairs.VersionAsync(web.Database, pair)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Say what needs researching");
        (await web.Database.ScalarAsync<string>($"SELECT status FROM mpi.candidate_pairs WHERE id = {pair}")).ShouldBe("review");
    }
}
