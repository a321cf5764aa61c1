using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;
using Npgsql;

namespace HimPortal.Tests.Intake;

/// <summary>The clerk's upload page, through the real app: multipart form, antiforgery, folder policy, handler and audit.</summary>
public sealed partial class ImportPageTests(WebFixture web) : IClassFixture<WebFixture>
{
    private const string Patient = "8a4c9c04-1524-9f1c-d65b-9b17e4520fef";

    private const string PatientFile = Patient + ".json";

    [Fact]
    public async Task A_clerk_uploads_master_data_and_a_patient_bundle_and_sees_each_file_imported()
    {
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = await SignedInAsync(clerk);

        var response = await UploadAsync(client,
            AsJson(SyntheaData.HospitalBundle), AsJson(SyntheaData.PractitionerBundle), AsJson(SyntheaData.PatientBundle(Patient)));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("data-testid=\"import-result\"");
        Rows(html).Count.ShouldBe(3);
        Statuses(html).ShouldBe(["OK", "OK", "OK"]);
        html.ShouldContain(PatientFile);
        html.ShouldContain(SyntheaData.JsonName(SyntheaData.HospitalBundle));
        html.ShouldNotContain("data-testid=\"file-error\"");

        (await web.Database.ScalarAsync<long>("SELECT count(*) FROM clinical.patients")).ShouldBe(1);
        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Id}' AND action = 'create' AND resource_type = 'Bundle' AND outcome = 'success'"))
            .ShouldBe(3);
    }

    [Fact]
    public async Task A_malformed_file_is_reported_by_name_and_changes_nothing()
    {
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = await SignedInAsync(clerk);
        var before = await ClinicalRowCountsAsync();

        var response = await UploadAsync(client, ("broken-bundle.json", Encoding.UTF8.GetBytes("{not json")));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        Rows(html).Count.ShouldBe(1);
        Statuses(html).ShouldBe(["failed"]);
        var error = ErrorText().Match(html);
        error.Success.ShouldBeTrue(html);
        error.Groups[1].Value.ShouldContain("broken-bundle.json");
        error.Groups[1].Value.ShouldContain("not valid JSON");

        (await ClinicalRowCountsAsync()).ShouldBe(before);
        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Id}' AND resource_type = 'Bundle' AND outcome = 'success'")).ShouldBe(0);
        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Id}' AND action = 'create' AND resource_type = 'Bundle' AND outcome = 'error'")).ShouldBe(1);
    }

    [Fact]
    public async Task Posting_no_file_asks_for_one()
    {
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = await SignedInAsync(clerk);

        var response = await UploadAsync(client);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("Choose one or more FHIR bundle files to import.");
        html.ShouldNotContain("data-testid=\"import-result\"");
    }

    [Fact]
    public async Task The_clerk_home_links_to_the_import_page()
    {
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = await SignedInAsync(clerk);

        var home = await client.GetStringAsync(new Uri("/Intake", UriKind.Relative));

        home.ShouldContain("href=\"/Intake/Import\"");
        home.ShouldContain("Import FHIR bundles");
        home.ShouldContain("data-testid=\"home-title\"");
    }

    [Theory]
    [InlineData(Roles.Physician)]
    public async Task Other_roles_are_refused_the_page_and_the_upload(string role)
    {
        var persona = await Personas.CreateAsync(web.Services, role);
        using var client = await SignedInAsync(persona);

        var page = await client.GetAsync(new Uri("/Intake/Import", UriKind.Relative));
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");

        // Authorization runs before the form is read: no token, no import, the same refusal.
        using var form = new MultipartFormDataContent { File(AsJson(SyntheaData.PatientBundle(Patient))) };
        var post = await client.PostAsync(new Uri("/Intake/Import", UriKind.Relative), form);
        post.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        post.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");

        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{persona.Id}' AND resource_type = 'Bundle'")).ShouldBe(0);
        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{persona.Id}' AND outcome = 'denied' AND resource_id = '/Intake/Import'")).ShouldBe(2);
    }

    private async Task<HttpClient> SignedInAsync(Persona persona)
    {
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, params (string Name, byte[] Bytes)[] files)
    {
        var page = await client.GetStringAsync(new Uri("/Intake/Import", UriKind.Relative));
        using var form = new MultipartFormDataContent
        {
            { new StringContent(HimPortalFactory.AntiforgeryToken(page)), "__RequestVerificationToken" },
        };
        foreach (var file in files)
        {
            form.Add(File(file));
        }

        var posted = await client.PostAsync(new Uri("/Intake/Import", UriKind.Relative), form);
        if (posted.StatusCode != HttpStatusCode.Redirect)
        {
            return posted;
        }

        // The upload returns at once, to the import job's page; it refreshes until the job is done.
        var jobPage = posted.Headers.Location!.ToString();
        jobPage.ShouldStartWith("/Jobs/Job/");
        return await JobPages.WaitUntilFinishedAsync(client, jobPage);
    }

    private static ByteArrayContent File((string Name, byte[] Bytes) file)
    {
        var content = new ByteArrayContent(file.Bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
        content.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"Input.Files\"", FileName = $"\"{file.Name}\"" };
        return content;
    }

    /// <summary>A bundle of the repository's data as the clerk has it: a plain .json file.</summary>
    private static (string Name, byte[] Bytes) AsJson(string bundle) => (SyntheaData.JsonName(bundle), SyntheaData.ReadJson(bundle));

    private static List<string> Rows(string html) => [.. Row().Matches(html).Select(m => m.Value)];

    private static List<string> Statuses(string html) => [.. Status().Matches(html).Select(m => m.Groups[1].Value)];

    /// <summary>Row counts of every table in the clinical schema, to show a rejected upload wrote nothing anywhere.</summary>
    private async Task<Dictionary<string, long>> ClinicalRowCountsAsync()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(web.Database.SuperuserConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'clinical' AND table_type = 'BASE TABLE' ORDER BY table_name", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        tables.ShouldNotBeEmpty();
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM clinical.\"{table}\"", connection);
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }

        return counts;
    }

    [GeneratedRegex("<tr data-testid=\"file-row\"")]
    private static partial Regex Row();

    [GeneratedRegex("data-testid=\"file-status\"[^>]*>([^<]*)<")]
    private static partial Regex Status();

    [GeneratedRegex("data-testid=\"file-error\"[^>]*>([^<]*)<")]
    private static partial Regex ErrorText();
}
