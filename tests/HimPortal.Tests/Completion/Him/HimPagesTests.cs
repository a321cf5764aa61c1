using System.Net;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Completion.Him;

/// <summary>The HIM side's chart-completion pages through the real web app (issue 18, cc-him): the page × role matrix and the forms' refusals.</summary>
public sealed class HimPagesTests(HimPagesFixture web) : IClassFixture<HimPagesFixture>
{
    private static readonly string[] MatrixRoles =
        [Roles.Physician, Roles.HimClerk, Roles.HimManager, Roles.RoiSpecialist, Roles.ComplianceOfficer, Roles.Administrator];

    /// <summary>Each page with the permission it needs: the analyst's under Completion.Analyse, the manager's under Completion.Manage.</summary>
    private static readonly (string Page, string Permission)[] Pages =
    [
        ("/Completion/Him", Permissions.CompletionAnalyse),
        ("/Completion/Him/Stays/{stay}", Permissions.CompletionAnalyse),
        ("/Completion/Him/Leave", Permissions.CompletionAnalyse),
        ("/Completion/Amendments", Permissions.CompletionAnalyse),
        ("/Completion/Settings", Permissions.CompletionManage),
        ("/Completion/Settings/Rule", Permissions.CompletionManage),
        ("/Completion/Settings/Rule/5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0003", Permissions.CompletionManage),
        ("/Completion/Settings/Departments", Permissions.CompletionManage),
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
        var stay = await web.StayAsync();
        var path = page.Replace("{stay}", stay.EncounterId.ToString("D"), StringComparison.Ordinal);
        using var client = await SignedInAsync(role);

        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

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
    public async Task The_navigation_leads_the_clerk_to_the_queue_and_the_manager_to_the_rules_too()
    {
        using var clerk = await SignedInAsync(Roles.HimClerk);
        var html = await clerk.GetStringAsync(new Uri("/Completion/Him", UriKind.Relative));
        html.ShouldContain("data-testid=\"nav-completion-him\"");
        html.ShouldNotContain("data-testid=\"nav-completion-rules\"");
        using var manager = await SignedInAsync(Roles.HimManager);
        var managers = await manager.GetStringAsync(new Uri("/Completion/Settings", UriKind.Relative));
        managers.ShouldContain("data-testid=\"nav-completion-him\"");
        managers.ShouldContain("data-testid=\"nav-completion-rules\"");
        managers.ShouldContain("data-testid=\"rule-row\"");
    }

    [Fact]
    public async Task Marking_a_stay_with_an_open_deficiency_complete_is_refused_on_the_page_and_changes_nothing()
    {
        var stay = await HimWorld.StayAsync(web.Database, DateTimeOffset.UtcNow);
        await HimWorld.DeficiencyAsync(web.Database, stay, null, refusal: "not my patient");
        using var clerk = await SignedInAsync(Roles.HimClerk);
        var path = $"/Completion/Him/Stays/{stay.EncounterId}";
        var version = await HimWorld.VersionAsync(web.Database, "stays", "encounter_id", stay.EncounterId);

        var refused = await HimPortalFactory.PostFormAsync(clerk, path, path + "?handler=Complete", new() { ["StayVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("1 open deficiency");
        (await web.Database.ScalarAsync<string>($"SELECT status FROM completion.stays WHERE encounter_id = '{stay.EncounterId}'")).ShouldBe("incomplete");
    }
}

/// <summary>The real web app on a database with one sample patient imported, and a stay of theirs for the pages that need one.</summary>
public sealed class HimPagesFixture : IAsyncLifetime
{
    private readonly WebFixture _web = new();
    private HimWorld.WorldStay? _stay;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public HimPortalFactory Factory => _web.Factory;

    public IServiceProvider Services => _web.Services;

    public TestDatabase Database => _web.Database;

    public async Task InitializeAsync()
    {
        await _web.InitializeAsync();
        await ClinicalData.ImportAsync(_web.Database, ClinicalData.Smallest);
    }

    public async Task<HimWorld.WorldStay> StayAsync()
    {
        await _lock.WaitAsync();
        try
        {
            return _stay ??= await HimWorld.StayAsync(_web.Database, DateTimeOffset.UtcNow);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        _lock.Dispose();
        await _web.DisposeAsync();
    }
}
