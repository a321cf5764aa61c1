using System.Net;
using HimPortal.Application.Access;
using HimPortal.Application.Documents.CaptureFiles;
using HimPortal.Application.Documents.RenderPages;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Documents;

/// <summary>
/// The page image endpoints (issue 15 item 4) and the unreadable list (item 1), through the real app: PNGs cached
/// privately under an ETag, every view audited with the filed patient's id or none, other roles refused.
/// </summary>
public sealed class PageImageEndpointTests(WebFixture web) : IClassFixture<WebFixture>, IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private async Task<Guid> CaptureAndRenderAsync(string name, byte[] bytes)
    {
        await using var services = web.Database.Services();
        Guid id;
        await using (var scope = services.CreateAsyncScope())
        {
            var captured = await scope.ServiceProvider.GetRequiredService<CaptureFilesHandler>()
                .HandleAsync(new CaptureFilesCommand([new IncomingFile(folder.Write(name, bytes), name)], "fax-web"), CancellationToken.None);
            id = captured.Value!.Files[0].DocumentId!.Value;
        }

        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<RenderFileHandler>().HandleAsync(new RenderFileCommand(id), CancellationToken.None);
        }

        return id;
    }

    private async Task<HttpClient> SignedInAsync(Persona persona)
    {
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    [Fact]
    public async Task A_clerk_views_a_page_image_and_thumbnail_each_view_audited_with_the_filed_patient_or_none()
    {
        var fileId = await CaptureAndRenderAsync("view.tif", SampleFiles.FaxTiff(2, 196, 501));
        var pageId = await web.Database.ScalarAsync<Guid>($"SELECT id FROM documents.pages WHERE received_file_id = '{fileId}' AND number = 1");
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = await SignedInAsync(clerk);

        var image = await client.GetAsync(new Uri($"/Documents/Pages/{pageId}/Image", UriKind.Relative));

        image.StatusCode.ShouldBe(HttpStatusCode.OK);
        image.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        image.Headers.CacheControl!.Private.ShouldBeTrue();
        image.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        var png = await image.Content.ReadAsByteArrayAsync();
        png[..4].ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' });
        var documentId = await web.Database.ScalarAsync<Guid>($"SELECT id FROM documents.documents WHERE received_file_id = '{fileId}'");
        (await web.Database.ScalarAsync<string>($"""
            SELECT action || ':' || coalesce(patient_id::text, 'none') || ':' || details FROM audit.access_events
            WHERE user_id = '{clerk.Id}' AND resource_type = 'ScannedDocument' AND resource_id = '{documentId}'
            """)).ShouldBe("view:none:indexing; page=1");

        // Filed to a patient (the indexing slice does this): the view names the patient.
        var patient = Guid.NewGuid();
        await web.Database.ExecuteAsync($"UPDATE documents.documents SET status = 'filed', patient_id = '{patient}' WHERE received_file_id = '{fileId}'");
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, new Uri($"/Documents/Pages/{pageId}/Thumbnail", UriKind.Relative));
        var thumbnail = await client.SendAsync(revalidate);
        thumbnail.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var cached = new HttpRequestMessage(HttpMethod.Get, new Uri($"/Documents/Pages/{pageId}/Thumbnail", UriKind.Relative));
        cached.Headers.IfNoneMatch.Add(thumbnail.Headers.ETag!);
        (await client.SendAsync(cached)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
        (await web.Database.ScalarAsync<long>($"""
            SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Id}' AND resource_type = 'ScannedDocument'
            AND resource_id = '{documentId}' AND action = 'view' AND patient_id = '{patient}' AND details = 'indexing; page=1'
            """)).ShouldBe(2);
        (await client.GetAsync(new Uri($"/Documents/Pages/{Guid.NewGuid()}/Image", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(Roles.Physician)]
    [InlineData(Roles.ComplianceOfficer)]
    [InlineData(Roles.RoiSpecialist)]
    public async Task Other_roles_are_refused_page_images_and_the_unreadable_list(string role)
    {
        var fileId = await CaptureAndRenderAsync($"refused-{role}.tif", SampleFiles.FaxTiff(1, 98, 600 + role.Length));
        var pageId = await web.Database.ScalarAsync<Guid>($"SELECT id FROM documents.pages WHERE received_file_id = '{fileId}'");
        using var client = await SignedInAsync(await Personas.CreateAsync(web.Services, role));

        foreach (var url in new[] { $"/Documents/Pages/{pageId}/Image", $"/Documents/Pages/{pageId}/Thumbnail", "/Intake/Unreadable" })
        {
            var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, url);
            response.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
        }
    }

    [Fact]
    public async Task A_clerk_sees_unreadable_files_with_their_problem_and_downloads_the_original_audited()
    {
        var locked = SampleFiles.EncryptedPdf();
        await using (var services = web.Database.Services())
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CaptureFilesHandler>()
                .HandleAsync(new CaptureFilesCommand([new IncomingFile(folder.Write("locked-referral.pdf", locked), "locked-referral.pdf")], "fax-web"), CancellationToken.None);
        }

        var fileId = await web.Database.ScalarAsync<Guid>("SELECT id FROM documents.received_files WHERE original_name = 'locked-referral.pdf'");
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = await SignedInAsync(clerk);

        var html = await client.GetStringAsync(new Uri("/Intake/Unreadable", UriKind.Relative));
        html.ShouldContain("locked-referral.pdf");
        html.ShouldContain("the PDF is encrypted");
        html.ShouldContain("fax-web");

        var download = await client.GetAsync(new Uri($"/Intake/Unreadable?handler=Download&id={fileId}", UriKind.Relative));
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        download.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(locked);
        (await web.Database.ScalarAsync<long>($"""
            SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Id}' AND action = 'export'
            AND resource_type = 'ReceivedFile' AND resource_id = '{fileId}'
            """)).ShouldBe(1);
    }
}
