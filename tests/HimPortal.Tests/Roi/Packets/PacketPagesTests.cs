using System.Net;
using HimPortal.Application.Access;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Roi.Packets;

public sealed class PacketWebFixture : IAsyncLifetime
{
    private readonly WebFixture _web = new();

    public TestDatabase Database => _web.Database;

    public HimPortalFactory Factory => _web.Factory;

    public IServiceProvider Services => _web.Services;

    public Guid PatientId { get; private set; }

    public async Task InitializeAsync()
    {
        await _web.InitializeAsync();
        await ClinicalData.ImportAsync(_web.Database, ClinicalData.Smallest);
        PatientId = await ClinicalData.PatientIdAsync(_web.Database, ClinicalData.Smallest);
    }

    public Task DisposeAsync() => _web.DisposeAsync();
}

/// <summary>The packet page through the real web app: the page × role matrix, and select → build (the job) → check by forms.</summary>
public sealed class PacketPagesTests(PacketWebFixture web) : IClassFixture<PacketWebFixture>
{
    private static readonly string[] MatrixRoles =
        [Roles.Physician, Roles.HimClerk, Roles.HimManager, Roles.RoiSpecialist, Roles.ComplianceOfficer, Roles.Administrator];

    public static TheoryData<string> Matrix() => [.. MatrixRoles];

    private async Task<HttpClient> SignedInAsync(Persona persona)
    {
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task The_packet_page_is_the_ROI_specialists_and_refused_to_the_others(string role)
    {
        var request = await ReleaseRequests.AddAsync(web.Database, web.PatientId, RequesterTypes.Patient, RequestStatuses.Processing);
        using var client = await SignedInAsync(await Personas.CreateAsync(web.Services, role));

        var response = await client.GetAsync(new Uri($"/Roi/Requests/{request}/Packet", UriKind.Relative));

        if (RolePermissions.Grants([role], Permissions.RoiProcess))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK, role);
            (await response.Content.ReadAsStringAsync()).ShouldContain("data-testid=\"tab-packet\"");
        }
        else
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, role);
            response.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
        }
    }

    [Fact]
    public async Task A_specialist_selects_builds_by_the_job_and_checks_by_the_pages_forms()
    {
        var request = await ReleaseRequests.AddAsync(web.Database, web.PatientId, RequesterTypes.ContinuityOfCare, RequestStatuses.Processing);
        var specialist = await Personas.CreateAsync(web.Services, Roles.RoiSpecialist);
        using var client = await SignedInAsync(specialist);
        var path = $"/Roi/Requests/{request}/Packet";

        (await HimPortalFactory.PostFormAsync(client, path, path + "?handler=Select", [])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var html = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        html.ShouldContain("data-testid=\"items\"");
        var itemId = System.Text.RegularExpressions.Regex.Match(html, "data-testid=\"item-(\\d+)\" data-item-type=\"DocumentReference\" data-included=\"true\"").Groups[1].Value;
        var preview = await client.GetAsync(new Uri($"{path}?handler=Preview&itemId={itemId}&number=1", UriKind.Relative));
        preview.StatusCode.ShouldBe(HttpStatusCode.OK, await preview.Content.ReadAsStringAsync());
        preview.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        var version = System.Text.RegularExpressions.Regex.Match(html, "name=\"version\" value=\"(\\d+)\"").Groups[1].Value;
        (await HimPortalFactory.PostFormAsync(client, path, path + "?handler=Build", new() { ["version"] = version })).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!html.Contains("data-packet-status=\"built\"", StringComparison.Ordinal))
        {
            (DateTime.UtcNow < deadline).ShouldBeTrue(html);
            await Task.Delay(200);
            html = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        }

        html.ShouldContain("data-testid=\"packet-sha256\"");
        var packetId = System.Text.RegularExpressions.Regex.Match(html, "data-packet-id=\"([0-9a-f-]{36})\"").Groups[1].Value;
        var file = await client.GetAsync(new Uri($"{path}?handler=File&packetId={packetId}", UriKind.Relative));
        file.StatusCode.ShouldBe(HttpStatusCode.OK);
        file.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");

        var packetVersion = System.Text.RegularExpressions.Regex.Match(html, "name=\"packetId\" value=\"[^\"]+\" />\\s*<input type=\"hidden\" name=\"version\" value=\"(\\d+)\"").Groups[1].Value;
        var checkedResponse = await HimPortalFactory.PostFormAsync(client, path, path + "?handler=Check", new() { ["packetId"] = packetId, ["version"] = packetVersion });
        checkedResponse.StatusCode.ShouldBe(HttpStatusCode.Redirect, await checkedResponse.Content.ReadAsStringAsync());
        (await web.Database.ScalarAsync<string>($"SELECT status FROM roi.requests WHERE id = '{request}'")).ShouldBe(RequestStatuses.Ready);
    }
}
