using System.Net;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Portal;

/// <summary>
/// "My record" through the real portal, and the staff side's pages through the real staff app (issue 19 items 3 and 8):
/// whose record every page names, another person's note refused by id, and the page × role matrix of the staff pages.
/// </summary>
public sealed class PortalRecordPagesTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private PortalFactory _portal = null!;
    private HimPortalFactory _staff = null!;
    private Guid _own;
    private Guid _other;

    private static readonly string[] MatrixRoles =
        [Roles.Administrator, Roles.Physician, Roles.HimClerk, Roles.HimManager, Roles.RoiSpecialist, Roles.ComplianceOfficer];

    private static readonly (string Page, string Permission)[] StaffPages =
    [
        ("/PortalHolds", Permissions.PortalHold),
        ("/PortalProxies", Permissions.PortalEnrol),
    ];

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await ClinicalData.ImportAsync(_database, ClinicalData.Smallest, ClinicalData.Cortes);
        _own = await ClinicalData.PatientIdAsync(_database, ClinicalData.Smallest);
        _other = await ClinicalData.PatientIdAsync(_database, ClinicalData.Cortes);
        _portal = new PortalFactory(_database);
        _staff = new HimPortalFactory(_database);
        _ = _staff.Server;
        _ = _portal.Server;
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _staff.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<(HttpClient Client, Persona Persona)> PatientAsync(string? mrn)
    {
        var patient = await Personas.CreateAsync(_staff.Services, Roles.Patient);
        if (mrn is not null)
        {
            await _database.ExecuteAsync($"UPDATE identity.users SET patient_mrn = '{mrn}' WHERE id = '{patient.Id}'");
        }

        var client = _portal.Browserless();
        (await HimPortalFactory.SignInAsync(client, patient.Email, patient.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return (client, patient);
    }

    [Fact]
    public async Task The_record_page_names_whose_record_it_is_and_shows_the_items_with_a_correction_link()
    {
        var (client, _) = await PatientAsync(ClinicalData.Smallest);
        using (client)
        {
            var html = await client.GetStringAsync(new Uri("/Record", UriKind.Relative));
            html.ShouldContain("data-testid=\"whose-record\"");
            html.ShouldContain("You are looking at your own record");
            html.ShouldContain("data-testid=\"visits\"");
            html.ShouldContain("/Corrections/New?resourceType=");
            html.ShouldContain("data-testid=\"nav-record\"");
            html.ShouldNotContain("<script");
            var note = await _database.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE patient_id = '{_own}' LIMIT 1");
            var notePage = await client.GetStringAsync(new Uri($"/Record/Note?id={note}", UriKind.Relative));
            notePage.ShouldContain("data-testid=\"note-text\"");
            notePage.ShouldContain("data-testid=\"whose-record\"");
        }
    }

    [Fact]
    public async Task Another_persons_note_is_not_found_by_its_id_and_the_probe_is_audited()
    {
        var (client, patient) = await PatientAsync(ClinicalData.Smallest);
        using (client)
        {
            var othersNote = await _database.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE patient_id = '{_other}' LIMIT 1");
            var response = await client.GetAsync(new Uri($"/Record/Note?id={othersNote}", UriKind.Relative));
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await response.Content.ReadAsStringAsync()).ShouldNotContain("note-text");
            (await client.GetAsync(new Uri("/Record/Note?id=not-a-guid", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await _database.ScalarAsync<long>($"""
                SELECT count(*) FROM audit.access_events WHERE user_id = '{patient.Id}' AND outcome = 'denied' AND resource_id = '{othersNote}'
                """)).ShouldBe(1);
        }
    }

    [Fact]
    public async Task An_account_that_reaches_no_one_is_sent_to_whose_record()
    {
        var (client, _) = await PatientAsync(null);
        using (client)
        {
            var response = await client.GetAsync(new Uri("/Record", UriKind.Relative));
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            response.Headers.Location!.ToString().ShouldContain("/People");
        }
    }

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var (page, _) in StaffPages)
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
    public async Task Each_staff_page_is_open_to_its_roles_and_refused_to_the_others(string page, string role)
    {
        using var client = _staff.Browserless();
        var persona = await Personas.CreateAsync(_staff.Services, role);
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        foreach (var url in new[] { page, $"{page}?patientId={_own}" })
        {
            var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            if (RolePermissions.Grants([role], StaffPages.Single(p => p.Page == page).Permission))
            {
                response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{role} {url}");
            }
            else
            {
                response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{role} {url}");
                response.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
            }
        }
    }

    [Fact]
    public async Task A_physician_holds_a_note_from_the_chart_page_and_the_patient_no_longer_sees_it()
    {
        var (patientClient, _) = await PatientAsync(ClinicalData.Smallest);
        using var staff = _staff.Browserless();
        var physician = await Personas.CreateAsync(_staff.Services, Roles.Physician);
        await HimPortalFactory.SignInAsync(staff, physician.Email, physician.Password);
        var note = await _database.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE patient_id = '{_own}' ORDER BY id LIMIT 1");
        var placed = await HimPortalFactory.PostFormAsync(staff, $"/PortalHolds?patientId={_own}", $"/PortalHolds?patientId={_own}&handler=Place",
            new Dictionary<string, string>
            {
                ["Place.ResourceType"] = "DocumentReference", ["Place.ResourceId"] = note.ToString(), ["Place.Exception"] = "preventing-harm",
                ["Place.Reason"] = "The physician will discuss it with the patient first",
            });
        placed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using (patientClient)
        {
            (await patientClient.GetStringAsync(new Uri("/Record?part=documents", UriKind.Relative))).ShouldNotContain(note.ToString());
            (await patientClient.GetAsync(new Uri($"/Record/Note?id={note}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        (await staff.GetStringAsync(new Uri($"/PortalHolds?patientId={_own}", UriKind.Relative))).ShouldContain("data-testid=\"lift-hold\"");
    }
}
