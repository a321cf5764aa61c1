using System.Text;
using HimPortal.Application.Access;
using HimPortal.Application.Access.AssignTreatment;
using HimPortal.Application.Access.BreakGlass;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Access.SetRestriction;
using HimPortal.Application.Administration.Users;
using HimPortal.Application.Administration.Users.ChangeRoles;
using HimPortal.Application.Administration.Users.CreateUser;
using HimPortal.Application.Administration.Users.GetUser;
using HimPortal.Application.Audit;
using HimPortal.Application.Charts.GetChart;
using HimPortal.Application.Common;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Tests.Compliance;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Access;

/// <summary>
/// Issue 14 item 2, access that users make for themselves, each attack as the penetration tester ran it: a relationship
/// imported by a clerk and used at once, a clerk-physician assigning themselves and lifting a VIP flag, an administrator
/// granting themselves Physician and breaking the glass.
/// </summary>
public sealed class SelfMadeAccessTests(ComplianceWorld world) : IClassFixture<ComplianceWorld>, IAsyncLifetime
{
    private static DateTimeOffset Daytime => ComplianceWorld.RecentWeekday(10);

    public async Task InitializeAsync()
    {
        if (await world.Database.ScalarAsync<long>("SELECT count(*) FROM clinical.practitioners") == 0)
        {
            await ClinicalData.ImportAsync(world.Database);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_encounter_a_clerk_imports_is_recorded_with_its_source_named_in_the_chart_audit_and_alerted_on_first_use()
    {
        var npi = await FreeNpiAsync();
        var physician = await world.StaffAsync(Roles.Physician, npi: npi);
        var clerk = await world.StaffAsync(Roles.HimClerk);
        var (patientFhirId, encounterFhirId) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());

        // The clerk uploads a bundle with a new encounter naming the physician as participant, ten minutes before the
        // physician opens the chart now (the chart view's audit row takes the database's time, so the story is told in real time).
        var importedAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        await ImportAsync(world.Services, "new-visit.json", Bundle(patientFhirId, encounterFhirId, npi), "upload:" + Guid.NewGuid(), importedAt, clerk);
        var patient = await ClinicalData.PatientIdAsync(world.Database, patientFhirId);
        var encounter = await world.Database.ScalarAsync<Guid>($"SELECT id FROM clinical.encounters WHERE fhir_id = '{encounterFhirId}'");
        (await world.Database.ScalarAsync<string>($"""
            SELECT kind || '|' || bundle || '|' || split_part(feed, ':', 1) || '|' || trusted || '|' || recorded_by_user_id
            FROM access.relationship_sources WHERE parent_id = '{encounter}'
            """)).ShouldBe($"encounter|new-visit.json|upload|false|{clerk.Id}");

        // The physician opens the chart ten minutes later: a treatment relationship, and the audit row names the encounter.
        world.Actor.ActAs(physician.Id, physician.Email, Roles.Physician);
        (await ChartAsync(patient, importedAt.AddMinutes(10))).ShouldBe(ChartReadStatus.Shown);
        (await LastViewDetailsAsync(physician.Id, patient)).ShouldContain($"basis=treatment-relationship; encounter={encounter:D}");

        await world.RunRulesAsync();

        var alert = (await world.AlertsAsync(Application.Compliance.Monitoring.Rules.SelfMadeRelationshipRule.RuleCode, physician.Id)).ShouldHaveSingleItem();
        alert.Patient.ShouldBe(patient);
        alert.Summary.ShouldContain("on an encounter made 10 minutes before (new-visit.json via upload:");
        alert.Summary.ShouldContain(clerk.Email);
    }

    [Fact]
    public async Task A_relationship_from_a_trusted_feed_is_not_alerted_nor_is_a_view_long_after_an_upload()
    {
        var npi = await FreeNpiAsync();
        var physician = await world.StaffAsync(Roles.Physician, npi: npi);
        var (trustedPatient, trustedEncounter) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var (oldPatient, oldEncounter) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        await using (var feed = world.Database.Services(new TestActor(), world.Clock, new Dictionary<string, string?> { ["Access:TrustedFeeds:0"] = "adt" }))
        {
            await ImportAsync(feed, "adt-1.json", Bundle(trustedPatient, trustedEncounter, npi), "folder:adt", Daytime);
        }

        await ImportAsync(world.Services, "old-visit.json", Bundle(oldPatient, oldEncounter, npi), "upload:" + Guid.NewGuid(), Daytime.AddDays(-5));
        (await world.Database.ScalarAsync<bool>($"""
            SELECT trusted FROM access.relationship_sources s JOIN clinical.encounters e ON e.id = s.parent_id WHERE e.fhir_id = '{trustedEncounter}'
            """)).ShouldBeTrue();

        world.Actor.ActAs(physician.Id, physician.Email, Roles.Physician);
        (await ChartAsync(await ClinicalData.PatientIdAsync(world.Database, trustedPatient), Daytime.AddMinutes(5))).ShouldBe(ChartReadStatus.Shown);
        (await ChartAsync(await ClinicalData.PatientIdAsync(world.Database, oldPatient), Daytime)).ShouldBe(ChartReadStatus.Shown);

        await world.RunRulesAsync();

        (await world.AlertsAsync(Application.Compliance.Monitoring.Rules.SelfMadeRelationshipRule.RuleCode, physician.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_clerk_who_is_also_a_physician_can_neither_assign_themselves_nor_lift_a_restriction()
    {
        var patientFhirId = Guid.NewGuid().ToString();
        await ImportAsync(world.Services, "vip.json", Bundle(patientFhirId, Guid.NewGuid().ToString(), null), "console", Daytime.AddDays(-2));
        var patient = await ClinicalData.PatientIdAsync(world.Database, patientFhirId);
        await world.RestrictAsync(patient, vip: true, at: Daytime.AddDays(-1));
        var both = await AccountAsync([Roles.HimClerk, Roles.Physician], await FreeNpiAsync());

        world.Actor.ActAs(both.Id, both.Email, Roles.HimClerk, Roles.Physician);
        var assigned = await world.AsAsync(sp => sp.GetRequiredService<AssignTreatmentHandler>()
            .HandleAsync(new AssignTreatmentCommand(patient, both.Id, "my patient now", null), CancellationToken.None));
        assigned.Error.ShouldBe(AccessErrors.SelfAssignment);
        var version = await world.Database.ScalarAsync<long>($"SELECT xmin::text::bigint FROM access.patient_restrictions WHERE patient_id = '{patient}'");
        var lifted = await world.AsAsync(sp => sp.GetRequiredService<SetRestrictionHandler>()
            .HandleAsync(new SetRestrictionCommand(patient, false, false, null, null, (uint)version), CancellationToken.None));
        lifted.Error.ShouldBe(AccessErrors.ClinicianMayNotRestrict);

        (await world.Database.ScalarAsync<long>($"SELECT count(*) FROM access.treatment_assignments WHERE patient_id = '{patient}'")).ShouldBe(0);
        (await world.Database.ScalarAsync<bool>($"SELECT vip FROM access.patient_restrictions WHERE patient_id = '{patient}'")).ShouldBeTrue();
        (await ChartAsync(patient, Daytime)).ShouldBe(ChartReadStatus.BreakGlassRequired);
        (await world.Database.ScalarAsync<string>($"""
            SELECT string_agg(resource_type || ':' || outcome, ',' ORDER BY resource_type) FROM audit.access_events
            WHERE user_id = '{both.Id}' AND patient_id = '{patient}' AND action IN ('create', 'update')
            """)).ShouldBe("PatientRestriction:denied,TreatmentAssignment:denied");
    }

    [Fact]
    public async Task An_administrator_can_neither_change_their_own_roles_nor_read_a_chart_nor_break_the_glass_when_holding_physician()
    {
        var patientFhirId = Guid.NewGuid().ToString();
        var npi = await FreeNpiAsync();
        await ImportAsync(world.Services, "admin-target.json", Bundle(patientFhirId, Guid.NewGuid().ToString(), npi), "console", Daytime.AddDays(-2));
        var patient = await ClinicalData.PatientIdAsync(world.Database, patientFhirId);
        var admin = await world.StaffAsync(Roles.Administrator);

        world.Actor.ActAs(admin.Id, admin.Email, Roles.Administrator);
        var stamp = (await world.AsAsync(sp => sp.GetRequiredService<GetUserHandler>().HandleAsync(new GetUserQuery(admin.Id), CancellationToken.None))).Value!.ConcurrencyStamp;
        var own = await world.AsAsync(sp => sp.GetRequiredService<ChangeRolesHandler>()
            .HandleAsync(new ChangeRolesCommand(admin.Id, [Roles.Administrator, Roles.Physician], stamp), CancellationToken.None));
        own.Error.ShouldBe(UserErrors.CannotChangeOwnRoles);
        (await world.Database.ScalarAsync<long>($"""
            SELECT count(*) FROM audit.access_events WHERE user_id = '{admin.Id}' AND action = 'admin' AND outcome = 'denied' AND resource_id = '{admin.Id}'
            """)).ShouldBe(1);

        // An account that holds both anyway (made before this rule, or by a second administrator), with a relationship in the record.
        var both = await AccountAsync([Roles.Administrator, Roles.Physician], npi);
        world.Actor.ActAs(both.Id, both.Email, Roles.Administrator, Roles.Physician);
        (await ChartAsync(patient, Daytime)).ShouldBe(ChartReadStatus.Denied);
        var glass = await world.AsAsync(sp => sp.GetRequiredService<BreakGlassHandler>()
            .HandleAsync(new BreakGlassCommand(patient, "emergency", null, true), CancellationToken.None));
        glass.Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        (await world.Database.ScalarAsync<long>($"SELECT count(*) FROM access.break_glass_accesses WHERE user_id = '{both.Id}'")).ShouldBe(0);
        (await world.Database.ScalarAsync<long>($"""
            SELECT count(*) FROM audit.access_events WHERE user_id = '{both.Id}' AND patient_id = '{patient}' AND outcome = 'denied'
            """)).ShouldBe(2, "the refused chart and the refused break-the-glass");
    }

    [Fact]
    public void An_account_holding_administrator_gets_no_chart_permission_from_its_other_roles()
    {
        var facts = new ChartAccessFacts(false, true, true, null, null, Relationship: "encounter=" + Guid.NewGuid());
        ChartAccessRules.Decide([Roles.Physician], facts).Via.ShouldBe(facts.Relationship);
        ChartAccessRules.Decide([Roles.Administrator, Roles.Physician], facts).Outcome.ShouldBe(ChartAccessOutcome.Denied);
        ChartAccessRules.Decide([Roles.Administrator, Roles.RoiSpecialist], facts, new AccessIntent(AccessPurpose.Disclosure, "PATRQT"))
            .Outcome.ShouldBe(ChartAccessOutcome.Denied);
        foreach (var permission in RolePermissions.NeverWithAdministrator)
        {
            RolePermissions.Grants([Roles.Administrator, Roles.Physician, Roles.RoiSpecialist, Roles.HimManager, Roles.Patient], permission)
                .ShouldBeFalse(permission);
        }

        RolePermissions.Grants([Roles.Administrator, Roles.HimClerk], Permissions.IntakeImport).ShouldBeTrue("only chart reading is withheld");
    }

    private async Task<StaffMember> AccountAsync(string[] roles, string? npi)
    {
        await using var scope = world.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(Personas.ConsoleOperator);
        var email = $"both.{Guid.NewGuid().ToString("N")[..10]}@test.himportal.example";
        var created = await world.AtAsync(ComplianceWorld.Beginning, () => scope.ServiceProvider.GetRequiredService<CreateUserHandler>()
            .HandleAsync(new CreateUserCommand(email, "Two Hats", roles, npi, PasswordGenerator.Generate()), CancellationToken.None));
        created.IsSuccess.ShouldBeTrue(created.Error?.Message);
        return new StaffMember(created.Value!.Id, email, roles[0]);
    }

    private Task<string> FreeNpiAsync() => world.Database.ScalarAsync<string>("""
        SELECT pr.npi FROM clinical.practitioners pr
        WHERE pr.npi IS NOT NULL AND NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.practitioner_npi = pr.npi)
        ORDER BY random() LIMIT 1
        """);

    private async Task<ChartReadStatus> ChartAsync(Guid patient, DateTimeOffset at)
    {
        await using var scope = world.Services.CreateAsyncScope();
        return (await world.AtAsync(at, () => scope.ServiceProvider.GetRequiredService<GetChartHandler>()
            .HandleAsync(new GetChartQuery(patient), CancellationToken.None))).Status;
    }

    private Task<string> LastViewDetailsAsync(Guid user, Guid patient) => world.Database.ScalarAsync<string>($"""
        SELECT details FROM audit.access_events WHERE user_id = '{user}' AND patient_id = '{patient}' AND action = 'view' AND outcome = 'success'
        ORDER BY occurred_at DESC LIMIT 1
        """);

    /// <summary>Imports one bundle at <paramref name="at"/>, as <paramref name="by"/> (the console's operator when null).</summary>
    private async Task ImportAsync(ServiceProvider services, string name, string json, string feed, DateTimeOffset at, StaffMember? by = null)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(by is null
            ? Personas.ConsoleOperator
            : new AuditActor(by.Id, by.Email, [by.Role], "10.1.2.5", "xunit", null));
        var summary = await world.AtAsync(at, () => scope.ServiceProvider.GetRequiredService<ImportBundlesHandler>()
            .HandleAsync(new ImportBundlesCommand([BundleFile.FromBytes(name, Encoding.UTF8.GetBytes(json))], Feed: feed), CancellationToken.None));
        summary.Value!.Files.Single().Error.ShouldBeNull();
    }

    /// <summary>A new patient with one encounter, naming the practitioner with <paramref name="npi"/> as participant (none when null).</summary>
    private static string Bundle(string patient, string encounter, string? npi)
    {
        var participant = npi is null
            ? ""
            : $$$""", "participant": [{"individual": {"reference": "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|{{{npi}}}"}}]""";
        return $$$"""
            {"resourceType": "Bundle", "type": "transaction", "entry": [
             {"fullUrl": "urn:uuid:{{{patient}}}", "resource": {"resourceType": "Patient", "id": "{{{patient}}}", "gender": "male",
              "birthDate": "1961-07-14", "name": [{"family": "Selfmade", "given": ["Vic"]}]}},
             {"fullUrl": "urn:uuid:{{{encounter}}}", "resource": {"resourceType": "Encounter", "id": "{{{encounter}}}", "status": "finished",
              "class": {"code": "AMB"}, "subject": {"reference": "urn:uuid:{{{patient}}}"},
              "period": {"start": "2026-11-30T09:00:00+00:00", "end": "2026-11-30T09:30:00+00:00"}{{{participant}}} }}
            ]}
            """;
    }
}
