using System.Net;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Documents.QualityControl;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using HimPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Documents;

/// <summary>
/// QA, misfile and incident pages through the real web app: the page × role matrix, and a misfile found in QA after a
/// physician read it in the chart, moved from the misfile page, becoming a compliance incident and a physician's notice.
/// </summary>
public sealed partial class QualityPagesTests(WebFixture web) : IClassFixture<WebFixture>
{
    private static readonly string[] MatrixRoles = [Roles.Physician, Roles.HimClerk, Roles.HimManager, Roles.RoiSpecialist, Roles.ComplianceOfficer];

    public static TheoryData<string, string> Matrix()
    {
        var allowed = new Dictionary<string, string[]>
        {
            ["/Intake/QualityReview"] = [Roles.HimClerk, Roles.HimManager],
            ["/Intake/QualityReview/Settings"] = [Roles.HimManager],
            ["/Intake/Misfiles/{document}"] = [Roles.HimClerk, Roles.HimManager],
            ["/Compliance/Incidents"] = [Roles.ComplianceOfficer, Roles.HimManager],
            ["/Charts/Notices"] = [Roles.Physician],
            ["/Management"] = [Roles.HimManager],
        };
        var data = new TheoryData<string, string>();
        foreach (var (page, _) in allowed)
        {
            foreach (var role in MatrixRoles)
            {
                data.Add(page, role);
            }
        }

        return data;
    }

    private static bool Allowed(string page, string role) => page switch
    {
        "/Intake/QualityReview" or "/Intake/Misfiles/{document}" => role is Roles.HimClerk or Roles.HimManager,
        "/Intake/QualityReview/Settings" or "/Management" => role == Roles.HimManager,
        "/Compliance/Incidents" => role is Roles.ComplianceOfficer or Roles.HimManager,
        "/Charts/Notices" => role == Roles.Physician,
        _ => false,
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_new_page_is_open_to_its_roles_and_refused_to_the_others(string page, string role)
    {
        var path = page;
        if (page.Contains("{document}", StringComparison.Ordinal))
        {
            var patient = await PatientAsync("Mat", "Rix");
            path = page.Replace("{document}", (await FiledDocuments.FileAsync(web.Services, DateTimeOffset.UtcNow, patient, null)).Id.ToString("D"), StringComparison.Ordinal);
        }

        using var client = await SignedInAsync(await Personas.CreateAsync(web.Services, role));
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        if (Allowed(page, role))
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
    public async Task A_misfile_found_in_QA_after_a_physician_read_it_becomes_an_incident_and_a_notice()
    {
        var wrong = await PatientAsync("Wendy", "Rong");
        var rightMrn = "MRN-W" + Guid.NewGuid().ToString("N")[..8];
        await PatientAsync("Ron", "Ight", rightMrn);
        var indexer = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        var document = await FiledDocuments.FileAsync(web.Services, DateTimeOffset.UtcNow, wrong, indexer.Id);
        var physician = await Personas.CreateAsync(web.Services, Roles.Physician);
        await web.Database.WriteAsync(DateTimeOffset.UtcNow.AddMinutes(-30),
            ScannedDocumentAudit.PageView(document.Id, wrong, ScannedDocumentAudit.Places.Chart, 1, "TREAT"),
            new AuditActor(physician.Id, physician.Email, [Roles.Physician], "10.0.0.9", "xunit", null));
        await using (var scope = web.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(QualitySamplingTests.Scheduler);
            (await scope.ServiceProvider.GetRequiredService<SampleForQualityReviewHandler>().HandleAsync(new SampleForQualityReviewCommand(), CancellationToken.None))
                .IsSuccess.ShouldBeTrue();
        }

        var reviewId = await QueryAsync(db => db.Set<QualityReview>().Where(r => r.DocumentId == document.Id).Select(r => r.Id).SingleAsync());

        // The indexer sees it marked as theirs and is refused the review.
        using (var own = await SignedInAsync(indexer))
        {
            (await own.GetStringAsync(new Uri("/Intake/QualityReview", UriKind.Relative))).ShouldContain("data-testid=\"own-work\"");
            var refused = await own.GetAsync(new Uri($"/Intake/QualityReview/Review/{reviewId}", UriKind.Relative));
            refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        using var reviewer = await SignedInAsync(await Personas.CreateAsync(web.Services, Roles.HimClerk));
        var review = await reviewer.GetStringAsync(new Uri($"/Intake/QualityReview/Review/{reviewId}", UriKind.Relative));
        review.ShouldContain("data-testid=\"page-image\"");
        var image = await reviewer.GetAsync(new Uri($"/Intake/QualityReview/Page/{reviewId}/1", UriKind.Relative));
        image.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        var misfileLink = WebUtility.HtmlDecode(MisfileLink().Match(review).Groups[1].Value);
        misfileLink.ShouldStartWith($"/Intake/Misfiles/{document.Id}");

        var form = await reviewer.GetStringAsync(new Uri(misfileLink, UriKind.Relative));
        var moved = await reviewer.PostAsync(new Uri($"/Intake/Misfiles/{document.Id}", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = HimPortalFactory.AntiforgeryToken(form),
            ["Input.ToPatientMrn"] = rightMrn,
            ["Input.Reason"] = "Page 1 names another patient.",
            ["Input.Version"] = Hidden(form, "Input.Version"),
            ["Input.Review"] = Hidden(form, "Input.Review"),
            ["Input.ReviewVersion"] = Hidden(form, "Input.ReviewVersion"),
        }));
        moved.StatusCode.ShouldBe(HttpStatusCode.Redirect, await moved.Content.ReadAsStringAsync());
        moved.Headers.Location!.ToString().ShouldBe("/Intake/QualityReview");
        (await QueryAsync(db => db.Set<QualityReview>().Where(r => r.Id == reviewId).Select(r => r.Status).SingleAsync())).ShouldBe(QualityReviewStatuses.Corrected);

        using var compliance = await SignedInAsync(await Personas.CreateAsync(web.Services, Roles.ComplianceOfficer));
        var incidents = await compliance.GetStringAsync(new Uri("/Compliance/Incidents", UriKind.Relative));
        var incidentId = await QueryAsync(db => db.Set<HimPortal.Data.Compliance.PrivacyIncident>().Where(i => i.DocumentId == document.Id).Select(i => i.Id).SingleAsync());
        incidents.ShouldContain($"/Compliance/Incident/{incidentId}");
        // The physician's chart view only: the QA reviewer's page views and the misfile page's opening are filing, not use.
        (await QueryAsync(db => db.Set<HimPortal.Data.Compliance.PrivacyIncidentAccess>().CountAsync(a => a.IncidentId == incidentId))).ShouldBe(1);
        var incident = await compliance.GetStringAsync(new Uri($"/Compliance/Incident/{incidentId}", UriKind.Relative));
        incident.ShouldContain("60 day(s) left");
        incident.ShouldContain("Wendy Rong");
        incident.ShouldContain("Ron Ight");
        incident.ShouldContain(physician.Email);

        using var doctor = await SignedInAsync(physician);
        var notices = WebUtility.HtmlDecode(await doctor.GetStringAsync(new Uri("/Charts/Notices", UriKind.Relative)));
        notices.ShouldContain("in Wendy Rong's chart");
        notices.ShouldContain("belonged to another patient");
        notices.ShouldNotContain("Ron Ight");

        using var manager = await SignedInAsync(await Personas.CreateAsync(web.Services, Roles.HimManager));
        var department = await manager.GetStringAsync(new Uri("/Management", UriKind.Relative));
        department.ShouldContain("data-testid=\"qa-weekly-plot\"");
        department.ShouldContain("data-testid=\"qa-backlog-plot\"");
    }

    private static string Hidden(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"|value=\"([^\"]*)\"[^>]*name=\"{Regex.Escape(name)}\"") is { Success: true } m
            ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) : "");

    [GeneratedRegex("href=\"([^\"]+)\" data-testid=\"misfile-link\"")]
    private static partial Regex MisfileLink();

    private async Task<Guid> PatientAsync(string given, string family, string? mrn = null)
    {
        var id = Guid.CreateVersion7();
        await QueryAsync(async db =>
        {
            db.Set<Patient>().Add(new Patient
            {
                Id = id, FhirId = id.ToString("N"), Resource = "{}", SourceHash = new byte[32], ImportedAt = DateTimeOffset.UtcNow,
                Mrn = mrn ?? "MRN-" + id.ToString("N")[..10], GivenNames = given, FamilyName = family,
                SearchName = Application.Patients.PatientNames.Fold($"{given} {family}"), BirthDate = new DateOnly(1980, 2, 3), Sex = "male",
            });
            return await db.SaveChangesAsync();
        });
        return id;
    }

    private async Task<T> QueryAsync<T>(Func<HimDbContext, Task<T>> work)
    {
        await using var scope = web.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<HimDbContext>());
    }

    private async Task<HttpClient> SignedInAsync(Persona persona)
    {
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }
}
