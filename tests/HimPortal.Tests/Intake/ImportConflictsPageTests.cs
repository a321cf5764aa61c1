using System.Net;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Intake;

/// <summary>The page of import conflicts (ADR 0019), through the real app: HIM staff see the open ones; others are refused.</summary>
public sealed class ImportConflictsPageTests(WebFixture web) : IClassFixture<WebFixture>
{
    [Fact]
    public async Task A_clerk_sees_the_open_conflicts_with_both_patients_and_other_roles_are_refused()
    {
        await web.Database.ExecuteAsync($"""
            INSERT INTO clinical.import_conflicts (resource_type, resource_id, resource_fhir_id, stored_patient_id, incoming_patient_id,
                incoming_patient_fhir_id, incoming_patient_mrn, outcome, status, bundle_name, incoming_source_hash, first_seen_at, last_seen_at, times_seen)
            VALUES ('Observation', '{Guid.NewGuid()}', 'obs-page-1', '{Guid.NewGuid()}', '{Guid.NewGuid()}', 'patient-b', 'MRN-PAGE-B', 'refused', 'open',
                'page-b.json', '\x00', now(), now(), 3),
                   ('Observation', '{Guid.NewGuid()}', 'obs-page-2', '{Guid.NewGuid()}', '{Guid.NewGuid()}', 'patient-c', NULL, 'refused', 'resolved',
                'page-c.json', '\x00', now(), now(), 1)
            """, web.Database.OwnerConnectionString);

        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using (var client = web.Factory.Browserless())
        {
            (await HimPortalFactory.SignInAsync(client, clerk.Email, clerk.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
            var html = await client.GetStringAsync(new Uri("/Intake/Conflicts", UriKind.Relative));
            html.ShouldContain("Observation/obs-page-1");
            html.ShouldContain("Patient/patient-b (MRN MRN-PAGE-B)");
            html.ShouldNotContain("obs-page-2", customMessage: "resolved conflicts are not on the worklist");
            (await client.GetStringAsync(new Uri("/Intake/Conflicts?all=true", UriKind.Relative))).ShouldContain("obs-page-2");
        }

        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Id}' AND resource_type = 'ImportConflict' AND action = 'search'")).ShouldBe(2);

        var physician = await Personas.CreateAsync(web.Services, Roles.Physician);
        using var other = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(other, physician.Email, physician.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var refused = await other.GetAsync(new Uri("/Intake/Conflicts", UriKind.Relative));
        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        refused.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
    }
}
