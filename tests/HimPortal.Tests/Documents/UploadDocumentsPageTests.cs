using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Documents;

/// <summary>The clerk's upload of scanned documents, through the real app: several files, a capture job, each file's outcome.</summary>
public sealed partial class UploadDocumentsPageTests(WebFixture web) : IClassFixture<WebFixture>
{
    private const string Page = "/Intake/UploadDocuments";

    [Fact]
    public async Task A_clerk_uploads_several_files_and_sees_each_captured_or_refused_by_name()
    {
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = await SignedInAsync(clerk);

        var response = await UploadAsync(client,
            ("referral.pdf", SampleFiles.TextPdf(2, "upload referral")),
            ("fax.tif", SampleFiles.FaxTiff(3, 196, 5)),
            ("photo.pdf", SampleFiles.NotADocument()));

        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("data-testid=\"capture-result\"");
        Statuses(html).ShouldBe(["queued", "queued", "failed"]);
        html.ShouldContain("photo.pdf: refused: not a PDF or TIFF file");
        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM documents.received_files WHERE source = 'upload' AND status = 'queued' AND received_by_user_id = '{clerk.Id}'")).ShouldBe(2);
        // Staged uploads are removed once captured: the received files keep their own copies.
        (await web.Database.ScalarAsync<long>("SELECT count(*) FROM documents.pending_uploads")).ShouldBe(0);
        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Id}' AND action = 'create' AND resource_type = 'ReceivedFile'")).ShouldBe(3);
    }

    [Fact]
    public async Task The_clerk_home_links_to_the_upload_page()
    {
        using var client = await SignedInAsync(await Personas.CreateAsync(web.Services, Roles.HimClerk));

        var home = await client.GetStringAsync(new Uri("/Intake", UriKind.Relative));

        home.ShouldContain($"href=\"{Page}\"");
    }

    [Theory]
    [InlineData(Roles.Physician)]
    public async Task Other_roles_are_refused_the_page(string role)
    {
        using var client = await SignedInAsync(await Personas.CreateAsync(web.Services, role));

        var page = await client.GetAsync(new Uri(Page, UriKind.Relative));

        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
    }

    private async Task<HttpClient> SignedInAsync(Persona persona)
    {
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, params (string Name, byte[] Bytes)[] files)
    {
        var page = await client.GetStringAsync(new Uri(Page, UriKind.Relative));
        using var form = new MultipartFormDataContent
        {
            { new StringContent(HimPortalFactory.AntiforgeryToken(page)), "__RequestVerificationToken" },
        };
        foreach (var file in files)
        {
            var content = new ByteArrayContent(file.Bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"Input.Files\"", FileName = $"\"{file.Name}\"" };
            form.Add(content);
        }

        var posted = await client.PostAsync(new Uri(Page, UriKind.Relative), form);
        posted.StatusCode.ShouldBe(HttpStatusCode.Redirect, await posted.Content.ReadAsStringAsync());
        var jobPage = posted.Headers.Location!.ToString();
        jobPage.ShouldStartWith("/Jobs/Job/");
        return await JobPages.WaitUntilFinishedAsync(client, jobPage);
    }

    private static List<string> Statuses(string html) => [.. Status().Matches(html).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("data-testid=\"file-status\"[^>]*>([^<]*)<")]
    private static partial Regex Status();
}
