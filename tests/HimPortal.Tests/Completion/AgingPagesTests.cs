using System.Net;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Completion;

/// <summary>cc-aging's pages through the real web app: the page × role matrix (notices, suspension list, numbers, the manager's panel).</summary>
public sealed class AgingPagesTests(WebFixture web) : IClassFixture<WebFixture>
{
    private static readonly string[] MatrixRoles =
        [Roles.Administrator, Roles.Physician, Roles.HimClerk, Roles.HimManager, Roles.RoiSpecialist, Roles.ComplianceOfficer];

    private static readonly (string Page, string Permission)[] Pages =
    [
        ("/Completion/Notices", Permissions.CompletionSign),
        ("/Completion/Suspensions", Permissions.CompletionManage),
        ("/Completion/Suspensions?inForce=true", Permissions.CompletionManage),
        ("/Completion/Numbers", Permissions.CompletionManage),
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

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_page_is_open_to_its_roles_and_refused_to_the_others(string page, string role)
    {
        using var client = web.Factory.Browserless();
        var persona = await Personas.CreateAsync(web.Services, role);
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var response = await client.GetAsync(new Uri(page, UriKind.Relative));

        if (RolePermissions.Grants([role], Pages.Single(p => p.Page == page).Permission))
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
    public async Task The_managers_page_shows_the_completion_panel_with_its_plot_and_links()
    {
        using var client = web.Factory.Browserless();
        var manager = await Personas.CreateAsync(web.Services, Roles.HimManager);
        (await HimPortalFactory.SignInAsync(client, manager.Email, manager.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var html = await client.GetStringAsync(new Uri("/Management", UriKind.Relative));
        html.ShouldContain("data-testid=\"completion-figures\"");
        html.ShouldContain("data-testid=\"completion-monthly-plot\"");
        html.ShouldContain("data-testid=\"nav-completion-suspensions\"");
    }
}
