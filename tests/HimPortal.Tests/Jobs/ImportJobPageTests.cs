using System.Net;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Jobs;

/// <summary>
/// An import job's page names the patients it imported (its result keeps their ids only) for a reader who may see
/// demographics, links to their charts, and audits each naming as a view of that patient's demographics.
/// </summary>
public sealed class ImportJobPageTests(WebFixture web) : IClassFixture<WebFixture>
{
    [Fact]
    public async Task The_job_page_names_the_imported_patients_for_the_clerk_with_an_audit_row_and_not_for_an_administrator()
    {
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        var admin = await Personas.CreateAsync(web.Services, Roles.Administrator);
        using var clerkClient = await SignedInAsync(clerk);

        var jobPage = await UploadAsync(clerkClient, SyntheaData.HospitalBundle, SyntheaData.PractitionerBundle, SyntheaData.PatientBundle(ClinicalData.Smallest));
        var html = await (await JobPages.WaitUntilFinishedAsync(clerkClient, jobPage)).Content.ReadAsStringAsync();

        var patientId = await ClinicalData.PatientIdAsync(web.Database, ClinicalData.Smallest);
        var jobId = jobPage["/Jobs/Job/".Length..];
        html.ShouldContain("data-testid=\"job-status\">succeeded");
        html.ShouldContain($"<a href=\"/Charts/Chart/{patientId}\" data-testid=\"imported-patient\">Zandra428 O&#x27;Hara248</a>");
        html.ShouldContain($"MRN {ClinicalData.Smallest}");
        html.ShouldContain("data-testid=\"import-patients\">Patients: 1.<");
        html.ShouldNotContain("data-testid=\"patients-not-named\"");
        (await web.Database.ScalarAsync<string>($"""
            SELECT purpose || ' ' || details FROM audit.access_events
            WHERE user_id = '{clerk.Id}' AND action = 'view' AND outcome = 'success' AND resource_type = 'Job' AND resource_id = '{jobId}'
              AND patient_id = '{patientId}'
            """)).ShouldBe("HOPERAT sections=demographics; basis=operations");
        // The job's row itself keeps the id, never the name: whoever watches the queue reads it.
        var result = await web.Database.ScalarAsync<string>($"SELECT result::text FROM jobs.jobs WHERE id = '{jobId}'");
        result.ShouldContain(patientId.ToString());
        result.ShouldNotContain("Zandra");

        // Each showing is a view: the page read again is audited again.
        await clerkClient.GetStringAsync(new Uri(jobPage, UriKind.Relative));
        (await ViewsAsync(clerk, patientId)).ShouldBe(2);

        // An administrator watches the queue but may not see demographics: the files, no names, nothing audited of the patient.
        using var adminClient = await SignedInAsync(admin);
        var theirs = await adminClient.GetStringAsync(new Uri(jobPage, UriKind.Relative));
        theirs.ShouldContain("data-testid=\"file-row\"");
        theirs.ShouldNotContain("data-testid=\"imported-patient\"");
        theirs.ShouldNotContain("Zandra");
        theirs.ShouldContain("data-testid=\"patients-not-named\"");
        theirs.ShouldContain("data-testid=\"unnamed-patient\"");
        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{admin.Id}' AND patient_id = '{patientId}'")).ShouldBe(0);
    }

    private Task<long> ViewsAsync(Persona persona, Guid patientId) =>
        web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{persona.Id}' AND action = 'view' AND resource_type = 'Job' AND patient_id = '{patientId}'");

    private static async Task<string> UploadAsync(HttpClient client, params string[] bundles)
    {
        var page = await client.GetStringAsync(new Uri("/Intake/Import", UriKind.Relative));
        using var form = new MultipartFormDataContent
        {
            { new StringContent(HimPortalFactory.AntiforgeryToken(page)), "__RequestVerificationToken" },
        };
        foreach (var bundle in bundles)
        {
            form.Add(new ByteArrayContent(SyntheaData.ReadJson(bundle)), "Input.Files", SyntheaData.JsonName(bundle));
        }

        var posted = await client.PostAsync(new Uri("/Intake/Import", UriKind.Relative), form);
        posted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return posted.Headers.Location!.ToString();
    }

    private async Task<HttpClient> SignedInAsync(Persona persona)
    {
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }
}
