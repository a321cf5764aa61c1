using System.Net;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Jobs;

/// <summary>The job pages through the real app: a clerk's upload returns at once to its job, which only they (and monitors) see.</summary>
public sealed class JobPagesTests(WebFixture web) : IClassFixture<WebFixture>
{
    [Fact]
    public async Task An_upload_returns_at_once_to_its_job_which_its_clerk_and_monitors_see_and_no_other_clerk_does()
    {
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        var other = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        var admin = await Personas.CreateAsync(web.Services, Roles.Administrator);
        using var clerkClient = await SignedInAsync(clerk);

        var page = await clerkClient.GetStringAsync(new Uri("/Intake/Import", UriKind.Relative));
        using var form = new MultipartFormDataContent
        {
            { new StringContent(HimPortalFactory.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(SyntheaData.ReadJson(SyntheaData.HospitalBundle)), "Input.Files", "hospital.json" },
        };
        var posted = await clerkClient.PostAsync(new Uri("/Intake/Import", UriKind.Relative), form);

        posted.StatusCode.ShouldBe(HttpStatusCode.Redirect, "the upload does not wait for the import");
        var jobPage = posted.Headers.Location!.ToString();
        var finished = await (await JobPages.WaitUntilFinishedAsync(clerkClient, jobPage)).Content.ReadAsStringAsync();
        finished.ShouldContain("data-testid=\"job-status\">succeeded");
        finished.ShouldContain("hospital.json");
        (await clerkClient.GetStringAsync(new Uri("/Jobs", UriKind.Relative))).ShouldContain(jobPage);

        using var otherClient = await SignedInAsync(other);
        (await otherClient.GetAsync(new Uri(jobPage, UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await otherClient.GetStringAsync(new Uri("/Jobs", UriKind.Relative))).ShouldNotContain(jobPage);

        using var adminClient = await SignedInAsync(admin);
        (await adminClient.GetAsync(new Uri(jobPage, UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var status = await adminClient.GetStringAsync(new Uri("/Administration/System", UriKind.Relative));
        status.ShouldContain("data-testid=\"caches\"");
        status.ShouldContain("Chart content");
        status.ShouldContain("data-testid=\"jobs-succeeded\">1<");
    }

    private async Task<HttpClient> SignedInAsync(Persona persona)
    {
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }
}
