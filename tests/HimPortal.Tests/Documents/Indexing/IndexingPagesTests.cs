using System.Net;
using HimPortal.Application.Access;
using HimPortal.Application.Documents.FileDocument;
using HimPortal.Data.Documents;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Documents.Indexing;

public sealed class IndexingWebFixture : IAsyncLifetime
{
    public WebFixture Web { get; } = new();

    public async Task InitializeAsync()
    {
        await Web.InitializeAsync();
        await ClinicalData.ImportAsync(Web.Database, ClinicalData.Smallest, ClinicalData.Cortes);
    }

    public Task DisposeAsync() => Web.DisposeAsync();
}

/// <summary>The page × role matrix of the indexing pages and the chart's scanned-document viewer, through the real app.</summary>
public sealed class IndexingPagesTests(IndexingWebFixture fixture) : IClassFixture<IndexingWebFixture>
{
    private WebFixture Web => fixture.Web;

    private async Task<HttpClient> SignedInAsync(Persona persona)
    {
        var client = Web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    /// <summary>A document filed to the patient by a clerk, through the handler.</summary>
    private async Task<Guid> FiledAsync(Guid patientId)
    {
        var documentId = await ScannedDocuments.CreateAsync(Web.Services, 2);
        var version = (await ScannedDocuments.ReadAsync(Web.Services, documentId)).Version;
        var actor = new TestActor();
        actor.ActAs(Guid.NewGuid(), "clerk@test.himportal.example", Roles.HimClerk);
        await using var services = Web.Database.Services(actor);
        await using var scope = services.CreateAsyncScope();
        var filed = await scope.ServiceProvider.GetRequiredService<FileDocumentHandler>().HandleAsync(new FileDocumentCommand(
            documentId, version, patientId, null, DocumentTypeSeed.DischargeSummary, new DateOnly(2023, 7, 14), null, "Dr. Away", true, null, []), default);
        filed.Error.ShouldBeNull();
        return documentId;
    }

    [Fact]
    public async Task Each_role_reaches_the_indexing_pages_and_the_scanned_document_only_as_its_permissions_say()
    {
        var patientId = await ClinicalData.PatientIdAsync(Web.Database, ClinicalData.Cortes);
        var waiting = await ScannedDocuments.CreateAsync(Web.Services, 1);
        var filed = await FiledAsync(patientId);
        var pageId = await Web.Database.ScalarAsync<Guid>($"SELECT page_id FROM documents.document_pages WHERE document_id = '{waiting}'");
        var personas = await Personas.OnePerRoleAsync(Web.Services);
        foreach (var persona in personas.Values)
        {
            using var client = await SignedInAsync(persona);
            var role = persona.Role;
            bool Grants(string permission) => RolePermissions.Grants([role], permission);
            var indexes = Grants(Permissions.IntakeImport) && Grants(Permissions.IntakeIndex);
            await ExpectAsync(client, "/Intake/Queue", indexes, role);
            await ExpectAsync(client, $"/Intake/Index/{waiting}", indexes, role);
            await ExpectAsync(client, $"/Documents/Pages/{pageId}/Image", Grants(Permissions.IntakeIndex), role);
            await ExpectAsync(client, $"/Documents/Pages/{pageId}/Thumbnail", Grants(Permissions.IntakeIndex), role);
            await ExpectAsync(client, "/Intake/DocumentTypes", Grants(Permissions.IntakeImport) && Grants(Permissions.IntakeConfigure), role);

            // The chart's viewer: only readers of notes, and a physician only with a reason on record (else the chart's break-the-glass).
            var viewer = await client.GetAsync(new Uri($"/Charts/Document/{patientId}/{filed}", UriKind.Relative));
            if (role == Roles.Physician)
            {
                viewer.StatusCode.ShouldBe(HttpStatusCode.Redirect, role);
                viewer.Headers.Location!.ToString().ShouldContain($"/Charts/Chart/{patientId}");
            }
            else
            {
                viewer.StatusCode.ShouldBe(HttpStatusCode.Redirect, role);
                viewer.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied", customMessage: role);
            }
        }
    }

    [Fact]
    public async Task A_treating_physician_opens_the_filed_document_in_the_chart_and_each_page_view_is_audited_with_the_patient()
    {
        var patientId = await ClinicalData.PatientIdAsync(Web.Database, ClinicalData.Cortes);
        var filed = await FiledAsync(patientId);
        var physician = await Personas.CreateAsync(Web.Services, Roles.Physician, npi: await ClinicalData.TreatingNpiAsync(Web.Database, patientId));
        using var client = await SignedInAsync(physician);

        var chart = await client.GetStringAsync(new Uri($"/Charts/Chart/{patientId}", UriKind.Relative));
        chart.ShouldContain($"href=\"/Charts/Document/{patientId}/{filed}\"");
        chart.ShouldContain("(scanned, 2 pages)");
        var filtered = await client.GetStringAsync(new Uri($"/Charts/Chart/{patientId}?docType=discharge&docFrom=2023-07-14&docTo=2023-07-14", UriKind.Relative));
        filtered.ShouldContain("data-testid=\"filter-doc-shown\"");
        filtered.ShouldContain($"href=\"/Charts/Document/{patientId}/{filed}\"");
        var none = await client.GetStringAsync(new Uri($"/Charts/Chart/{patientId}?docType=operative+note&docFrom=2023-07-14", UriKind.Relative));
        none.ShouldNotContain($"/Charts/Document/{patientId}/{filed}");

        var viewer = await client.GetStringAsync(new Uri($"/Charts/Document/{patientId}/{filed}?shown=1", UriKind.Relative));
        viewer.ShouldContain("Discharge summary");
        // The second page is the one shown (a query named "page" lost to Razor Pages' own route value and showed the first).
        viewer.ShouldContain($"?handler=Image&amp;ordinal=1\" alt=\"Page 2\"");
        var image = await client.GetAsync(new Uri($"/Charts/Document/{patientId}/{filed}?handler=Image&ordinal=1", UriKind.Relative));
        image.StatusCode.ShouldBe(HttpStatusCode.OK);
        image.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        (await Web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{physician.Id}' AND action = 'view' AND resource_type = 'ScannedDocument' AND resource_id = '{filed}' AND patient_id = '{patientId}' AND details LIKE 'chart; page=2%'"))
            .ShouldBe(1);

        // Another patient's address shows nothing of it.
        var other = await ClinicalData.PatientIdAsync(Web.Database, ClinicalData.Smallest);
        (await client.GetAsync(new Uri($"/Charts/Document/{other}/{filed}", UriKind.Relative))).StatusCode.ShouldNotBe(HttpStatusCode.OK);
        (await client.GetAsync(new Uri($"/Charts/Document/{patientId}/{filed}?handler=Image&ordinal=7", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_clerk_files_from_the_indexing_screen_and_a_stale_form_says_so()
    {
        var patientId = await ClinicalData.PatientIdAsync(Web.Database, ClinicalData.Cortes);
        var documentId = await ScannedDocuments.CreateAsync(Web.Services, 2, "web-form");
        var clerk = await Personas.CreateAsync(Web.Services, Roles.HimClerk);
        using var client = await SignedInAsync(clerk);
        var url = $"/Intake/Index/{documentId}?patientId={patientId}";
        var html = await client.GetStringAsync(new Uri(url, UriKind.Relative));
        var version = (await ScannedDocuments.ReadAsync(Web.Services, documentId)).Version;
        html.ShouldContain("Page 1 of 2");
        // A thumbnail's link shows its page (the query must not be named "page": Razor Pages binds its own route value first).
        (await client.GetStringAsync(new Uri(url + "&shown=1", UriKind.Relative))).ShouldContain("Page 2 of 2");

        FormUrlEncodedContent Form(uint v) => new(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = HimPortalFactory.AntiforgeryToken(html),
            ["Input.Version"] = v.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.PatientId"] = patientId.ToString(),
            ["Input.EncounterId"] = "",
            ["Input.DocumentTypeId"] = DocumentTypeSeed.Consent.ToString(),
            ["Input.DocumentDate"] = "2024-03-03",
        });

        var stale = await client.PostAsync(new Uri($"/Intake/Index/{documentId}?handler=File", UriKind.Relative), Form(version + 1));
        stale.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await stale.Content.ReadAsStringAsync()).ShouldContain("Someone else changed this document");
        (await ScannedDocuments.ReadAsync(Web.Services, documentId)).Status.ShouldBe(ScannedDocumentStatus.Unindexed);

        var saved = await client.PostAsync(new Uri($"/Intake/Index/{documentId}?handler=File", UriKind.Relative), Form(version));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        saved.Headers.Location!.ToString().ShouldContain($"chart={patientId}");
        (await ScannedDocuments.ReadAsync(Web.Services, documentId)).Status.ShouldBe(ScannedDocumentStatus.Filed);
    }

    private static async Task ExpectAsync(HttpClient client, string path, bool allowed, string role)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        if (allowed)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{role} -> {path}");
        }
        else
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{role} -> {path}");
            response.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied", customMessage: $"{role} -> {path}");
        }
    }
}
