using System.Net;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Portal.Holds;
using HimPortal.Data.Portal;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Portal;

/// <summary>
/// "My record" through the real portal, and the staff side's pages through the real staff app (issue 19 items 3 and 8):
/// whose record every page names, another person's note refused by id, scanned documents' pages, and the page × role
/// matrix of the staff pages.
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

    // Scanned documents in "my record" (issue 19 item 3): a fax indexed to the patient through intake shows its pages,
    // streamed, each with a caption and a download link; another person's account gets 404 for the same id (audited,
    // nothing of the document's patient in the answer); a held one, one still in the intake queue and one waiting in
    // quality control are not found.
    private static Uri Url(string path) => new(path, UriKind.Relative);

    [Fact]
    public async Task A_fax_indexed_through_intake_shows_its_pages_to_its_patient_streamed_with_captions_and_downloads()
    {
        var scan = await IndexedScans.FileAsync(_database, _own, "SYNTHETIC letter from the outside clinic about the knee.");
        var (client, patient) = await PatientAsync(ClinicalData.Smallest);
        using (client)
        {
            var record = await client.GetStringAsync(Url("/Record?part=documents"));
            record.ShouldContain($"/Record/Document?id={scan.DocumentId:D}");

            var html = await client.GetStringAsync(Url($"/Record/Document?id={scan.DocumentId:D}"));
            html.ShouldContain("data-testid=\"whose-record\"");
            html.ShouldContain("Correspondence");
            html.ShouldNotContain("<script");
            html.ShouldNotContain("style=");
            Count(html, "data-testid=\"document-page-image\"").ShouldBe(scan.Pages);
            Count(html, "data-testid=\"document-page-download\"").ShouldBe(scan.Pages);
            html.ShouldContain($"alt=\"Page 1 of {scan.Pages} of your scanned document: Correspondence, dated 2 Nov 2026.\"");
            html.ShouldContain($"<figcaption>Page 1 of {scan.Pages}.");
            html.ShouldContain($"/Corrections/New?resourceType=DocumentReference&amp;resourceId={scan.NoteId:D}");

            using var image = await client.GetAsync(Url($"/Record/Document?handler=Image&id={scan.DocumentId:D}&ordinal=0"), HttpCompletionOption.ResponseHeadersRead);
            image.StatusCode.ShouldBe(HttpStatusCode.OK);
            image.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
            image.Headers.CacheControl!.NoStore.ShouldBeTrue();
            // Streamed: no length known in advance, sent in chunks as the store reads the object from the wire.
            image.Content.Headers.ContentLength.ShouldBeNull();
            var bytes = await image.Content.ReadAsByteArrayAsync();
            bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }).ShouldBeTrue();

            using var download = await client.GetAsync(Url($"/Record/Document?handler=Image&id={scan.DocumentId:D}&ordinal=0&download=true"));
            download.StatusCode.ShouldBe(HttpStatusCode.OK);
            download.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
            download.Content.Headers.ContentDisposition.FileName!.Trim('"').ShouldBe("document-page-1.png");
            (await client.GetAsync(Url($"/Record/Document?handler=Image&id={scan.DocumentId:D}&ordinal={scan.Pages}"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        // Each page view is audited as the patient, the one way every page view is (what the misfile check reads).
        (await _database.ScalarAsync<long>($"""
            SELECT count(*) FROM audit.access_events WHERE user_id = '{patient.Id}' AND outcome = 'success' AND resource_type = 'ScannedDocument'
              AND resource_id = '{scan.DocumentId:D}' AND patient_id = '{_own}' AND details = 'portal; page=1'
            """)).ShouldBe(2);
        (await _database.ScalarAsync<long>($"""
            SELECT count(*) FROM audit.access_events WHERE user_id = '{patient.Id}' AND outcome = 'success' AND resource_type = 'ScannedDocument'
              AND resource_id = '{scan.DocumentId:D}' AND purpose = 'PATRQT' AND details LIKE '%portal.scanneddocument%'
            """)).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Another_persons_account_gets_not_found_for_the_same_document_audited_and_without_the_patients_name()
    {
        var scan = await IndexedScans.FileAsync(_database, _own, "SYNTHETIC letter for the owner only.");
        var family = await _database.ScalarAsync<string>($"SELECT family_name FROM clinical.patients WHERE id = '{_own}'");
        var (client, stranger) = await PatientAsync(ClinicalData.Cortes);
        using (client)
        {
            foreach (var path in new[]
                     {
                         $"/Record/Document?id={scan.DocumentId:D}",
                         $"/Record/Document?handler=Image&id={scan.DocumentId:D}&ordinal=0",
                         $"/Record/Document?handler=Image&id={scan.DocumentId:D}&ordinal=0&download=true",
                     })
            {
                var response = await client.GetAsync(Url(path));
                response.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
                var body = await response.Content.ReadAsStringAsync();
                body.ShouldNotContain(family, Case.Insensitive);
                body.ShouldNotContain("document-page");
                body.ShouldNotContain("Correspondence");
            }
        }

        // The probes are audited under the stranger's own record, naming the id asked for; no view of the owner's record.
        (await _database.ScalarAsync<long>($"""
            SELECT count(*) FROM audit.access_events WHERE user_id = '{stranger.Id}' AND outcome = 'denied' AND resource_id = '{scan.DocumentId:D}'
              AND patient_id = '{_other}'
            """)).ShouldBe(3);
        (await _database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{stranger.Id}' AND patient_id = '{_own}'")).ShouldBe(0);
    }

    [Fact]
    public async Task A_held_or_psychotherapy_document_one_in_the_intake_queue_and_one_waiting_in_quality_control_are_not_found()
    {
        var held = await IndexedScans.FileAsync(_database, _own, "SYNTHETIC result letter to discuss in person.", seed: 31);
        var reviewed = await IndexedScans.FileAsync(_database, _own, "SYNTHETIC letter drawn for quality review.", seed: 37);
        var psychotherapy = await IndexedScans.FileAsync(_database, _own, "SYNTHETIC psychotherapy session notes.", seed: 47, labels: [PortalVisibility.PsychotherapyNotes]);
        var queued = await IndexedScans.QueueAsync(_database, "SYNTHETIC fax still in the indexing queue.", seed: 41);
        var actor = new TestActor();
        await using (var services = _database.Services(actor))
        {
            var physician = await Personas.CreateAsync(services, Roles.Physician);
            actor.ActAs(physician.Id, physician.Email, Roles.Physician);
            await using var scope = services.CreateAsyncScope();
            (await scope.ServiceProvider.GetRequiredService<PlaceHoldHandler>().HandleAsync(new PlaceHoldCommand(_own, LabelledItems.DocumentReference, held.NoteId,
                HoldExceptions.PreventingHarm, "Discuss the result in person first", null), CancellationToken.None)).Error.ShouldBeNull();
        }

        await _database.ExecuteAsync($"""
            INSERT INTO documents.quality_reviews (id, filing_id, document_id, filed_at, considered_at, status, sample_reason)
            SELECT gen_random_uuid(), f.id, f.document_id, f.at, now(), 'pending', 'new-clerk' FROM documents.filings f
            WHERE f.document_id = '{reviewed.DocumentId:D}' AND f.kind = 'filed'
            """);

        var (client, _) = await PatientAsync(ClinicalData.Smallest);
        using (client)
        {
            foreach (var id in new[] { held.DocumentId, reviewed.DocumentId, psychotherapy.DocumentId, queued })
            {
                (await client.GetAsync(Url($"/Record/Document?id={id:D}"))).StatusCode.ShouldBe(HttpStatusCode.NotFound, id.ToString());
                (await client.GetAsync(Url($"/Record/Document?handler=Image&id={id:D}&ordinal=0"))).StatusCode.ShouldBe(HttpStatusCode.NotFound, id.ToString());
            }

            var record = await client.GetStringAsync(Url("/Record?part=documents"));
            record.ShouldNotContain(held.NoteId.ToString("D"));
            record.ShouldNotContain(reviewed.NoteId.ToString("D"));
            record.ShouldNotContain(psychotherapy.NoteId.ToString("D"));
            (await client.GetAsync(Url($"/Record/Note?id={reviewed.NoteId:D}"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        // Confirmed by quality control, the document is the patient's to read.
        await _database.ExecuteAsync($"UPDATE documents.quality_reviews SET status = 'confirmed' WHERE document_id = '{reviewed.DocumentId:D}'");
        var (again, _) = await PatientAsync(ClinicalData.Smallest);
        using (again)
        {
            (await again.GetAsync(Url($"/Record/Document?id={reviewed.DocumentId:D}"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    private static int Count(string html, string what)
    {
        var count = 0;
        for (var at = html.IndexOf(what, StringComparison.Ordinal); at >= 0; at = html.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
