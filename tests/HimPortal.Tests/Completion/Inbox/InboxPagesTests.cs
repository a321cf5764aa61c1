using System.Net;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Completion.Inbox;

/// <summary>The inbox's pages through the real web app: the page × role matrix (Completion.Sign: physicians only).</summary>
public sealed class InboxPagesTests(WebFixture web) : IClassFixture<WebFixture>
{
    private static readonly string[] MatrixRoles =
        [Roles.Physician, Roles.HimClerk, Roles.HimManager, Roles.RoiSpecialist, Roles.ComplianceOfficer, Roles.Administrator];

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var page in new[] { "/Completion/Inbox", "/Completion/Inbox/Addendum/{id}" })
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
    public async Task Each_page_is_open_to_physicians_and_refused_to_the_others(string page, string role)
    {
        using var client = web.Factory.Browserless();
        var persona = await Personas.CreateAsync(web.Services, role);
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var response = await client.GetAsync(new Uri(page.Replace("{id}", Guid.NewGuid().ToString("D"), StringComparison.Ordinal), UriKind.Relative));

        if (RolePermissions.Grants([role], Permissions.CompletionSign))
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
    public async Task A_deficiency_or_draft_that_is_not_the_physicians_is_not_found()
    {
        using var client = web.Factory.Browserless();
        var persona = await Personas.CreateAsync(web.Services, Roles.Physician);
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await client.GetAsync(new Uri($"/Completion/Inbox/Deficiency/{Guid.NewGuid()}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync(new Uri($"/Completion/Inbox/Draft/{Guid.NewGuid()}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var home = await client.GetStringAsync(new Uri("/Charts", UriKind.Relative));
        home.ShouldContain("data-testid=\"inbox-not-linked\"");
    }
}
