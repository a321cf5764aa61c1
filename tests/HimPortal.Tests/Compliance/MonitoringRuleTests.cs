using HimPortal.Application.Access;
using HimPortal.Application.Administration.Users;
using HimPortal.Application.Administration.Users.ChangeRoles;
using HimPortal.Application.Administration.Users.GetUser;
using HimPortal.Application.Administration.Users.LockUser;
using HimPortal.Application.Audit;
using HimPortal.Application.Compliance.Monitoring.Rules;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Compliance;

/// <summary>Each privacy-monitoring rule raises its alert on a scenario built for it, and stays quiet on a near miss.</summary>
public sealed class MonitoringRuleTests(ComplianceWorld world) : IClassFixture<ComplianceWorld>
{
    private static DateTimeOffset Daytime => ComplianceWorld.RecentWeekday(10);

    [Fact]
    public async Task Own_record_fires_when_a_user_opens_the_record_with_their_own_mrn()
    {
        var mrn = "OWN-" + Guid.NewGuid().ToString("N")[..8];
        var self = await world.PatientAsync("Dana", "Quill", mrn);
        var clerk = await world.StaffAsync(Roles.HimClerk, new UserProfile(PatientMrn: mrn));
        await world.ViewAsync(clerk, self, Daytime, "HOPERAT", "operations");

        await world.RunRulesAsync();

        var alert = (await world.AlertsAsync(OwnRecordRule.RuleCode, clerk.Id)).ShouldHaveSingleItem();
        alert.Patient.ShouldBe(self);
        alert.Summary.ShouldContain($"own medical record (MRN {mrn})");
        alert.Evidence.ShouldContain("\"accountPatientMrn\"");
    }

    [Fact]
    public async Task Own_record_stays_quiet_for_another_patients_record()
    {
        var other = await world.PatientAsync("Evan", "Rook");
        var clerk = await world.StaffAsync(Roles.HimClerk, new UserProfile(PatientMrn: "OWN-" + Guid.NewGuid().ToString("N")[..8]));
        await world.ViewAsync(clerk, other, Daytime, "HOPERAT", "operations");

        await world.RunRulesAsync();

        (await world.AlertsAsync(OwnRecordRule.RuleCode, clerk.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Same_family_name_fires_across_case_and_accents()
    {
        var family = "Cortés" + Guid.NewGuid().ToString("N")[..6];
        var relative = await world.PatientAsync("Lucía", family.Replace("é", "e", StringComparison.Ordinal).ToUpperInvariant());
        var physician = await world.StaffAsync(Roles.Physician, new UserProfile(FamilyName: family));
        await world.ViewAsync(physician, relative, Daytime);

        await world.RunRulesAsync();

        var alert = (await world.AlertsAsync(SameFamilyNameRule.RuleCode, physician.Id)).ShouldHaveSingleItem();
        alert.Summary.ShouldContain("same family name");
    }

    [Fact]
    public async Task Same_family_name_stays_quiet_for_a_different_name_and_for_a_user_without_one()
    {
        var stranger = await world.PatientAsync("Omar", "Farouk" + Guid.NewGuid().ToString("N")[..6]);
        var named = await world.StaffAsync(Roles.Physician, new UserProfile(FamilyName: "Lindqvist" + Guid.NewGuid().ToString("N")[..6]));
        var unnamed = await world.StaffAsync(Roles.Physician);
        await world.ViewAsync(named, stranger, Daytime);
        await world.ViewAsync(unnamed, stranger, Daytime);

        await world.RunRulesAsync();

        (await world.AlertsAsync(SameFamilyNameRule.RuleCode, named.Id)).ShouldBeEmpty();
        (await world.AlertsAsync(SameFamilyNameRule.RuleCode, unnamed.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Same_address_fires_despite_abbreviations_and_punctuation()
    {
        var street = $"{Random.Shared.Next(100, 999)} Elm";
        var neighbour = await world.PatientAsync("Ruth", "Okafor", address: $"{street} St., Apt 4", postalCode: "01103");
        var clerk = await world.StaffAsync(Roles.HimClerk, new UserProfile(AddressLine: $"{street} street apartment 4", PostalCode: "01103-2201"));
        await world.ViewAsync(clerk, neighbour, Daytime, "HOPERAT", "operations");

        await world.RunRulesAsync();

        var alert = (await world.AlertsAsync(SameAddressRule.RuleCode, clerk.Id)).ShouldHaveSingleItem();
        alert.Evidence.ShouldContain("userAddress");
    }

    [Fact]
    public async Task Same_address_stays_quiet_when_the_postal_code_differs()
    {
        var street = $"{Random.Shared.Next(100, 999)} Maple Avenue";
        var elsewhere = await world.PatientAsync("Ivo", "Marsh", address: street, postalCode: "02139");
        var clerk = await world.StaffAsync(Roles.HimClerk, new UserProfile(AddressLine: street, PostalCode: "60601"));
        await world.ViewAsync(clerk, elsewhere, Daytime, "HOPERAT", "operations");

        await world.RunRulesAsync();

        (await world.AlertsAsync(SameAddressRule.RuleCode, clerk.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Restricted_patient_fires_for_a_vip_and_stays_quiet_for_an_ordinary_patient()
    {
        var vip = await world.PatientAsync("Famous", "Person");
        await world.RestrictAsync(vip, vip: true);
        var ordinary = await world.PatientAsync("Plain", "Person");
        var physician = await world.StaffAsync(Roles.Physician);
        var other = await world.StaffAsync(Roles.Physician);
        await world.ViewAsync(physician, vip, Daytime, "ETREAT", "break-glass");
        await world.ViewAsync(other, ordinary, Daytime);

        await world.RunRulesAsync();

        var alert = (await world.AlertsAsync(RestrictedPatientRule.RuleCode, physician.Id)).ShouldHaveSingleItem();
        alert.Summary.ShouldContain("(VIP)");
        (await world.AlertsAsync(RestrictedPatientRule.RuleCode, other.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Coworker_fires_for_an_employee_of_the_users_department_only()
    {
        var colleague = await world.PatientAsync("Kim", "Lee");
        await world.RestrictAsync(colleague, employee: true, department: "Radiology");
        var elsewhere = await world.PatientAsync("Max", "Noor");
        await world.RestrictAsync(elsewhere, employee: true, department: "Cardiology");
        var radiologist = await world.StaffAsync(Roles.Physician, new UserProfile(Department: " radiology "));
        await world.ViewAsync(radiologist, colleague, Daytime, "ETREAT", "break-glass");
        await world.ViewAsync(radiologist, elsewhere, Daytime.AddMinutes(5), "ETREAT", "break-glass");

        await world.RunRulesAsync();

        var alert = (await world.AlertsAsync(CoworkerRule.RuleCode, radiologist.Id)).ShouldHaveSingleItem();
        alert.Patient.ShouldBe(colleague);
        alert.Summary.ShouldContain("co-worker");
    }

    [Fact]
    public async Task No_treatment_relationship_fires_for_a_break_the_glass_access_and_for_repeated_refusals()
    {
        var patient = await world.PatientAsync("Gale", "Winters");
        var physician = await world.StaffAsync(Roles.Physician);
        var grant = Guid.CreateVersion7();
        await world.EventAsync(physician, Daytime, new AuditRecord(AuditAction.BreakGlass, AuditOutcome.Success, "Chart", grant.ToString("D"), patient,
            "Emergency care: the patient needs treatment now", "attested; until=...; was=no treatment relationship"));
        await world.ViewAsync(physician, patient, Daytime.AddMinutes(1), "ETREAT", "break-glass; break-glass=" + grant.ToString("D"));
        var snoop = await world.StaffAsync(Roles.Physician);
        await world.RefusedAsync(snoop, await world.PatientAsync("A", "One"), Daytime);
        await world.RefusedAsync(snoop, await world.PatientAsync("B", "Two"), Daytime.AddMinutes(2));

        await world.RunRulesAsync();

        var glass = (await world.AlertsAsync(NoTreatmentRelationshipRule.RuleCode, physician.Id)).ShouldHaveSingleItem();
        glass.Events.ShouldBe(2, "the grant and the view made under it");
        glass.Summary.ShouldContain("broke the glass");
        var refused = (await world.AlertsAsync(NoTreatmentRelationshipRule.RuleCode, snoop.Id)).ShouldHaveSingleItem();
        refused.Summary.ShouldContain("refused the charts of 2 patient(s)");
    }

    [Fact]
    public async Task No_treatment_relationship_stays_quiet_for_one_refusal_and_for_treatment_views()
    {
        var physician = await world.StaffAsync(Roles.Physician);
        await world.RefusedAsync(physician, await world.PatientAsync("C", "Three"), Daytime);
        await world.ViewAsync(physician, await world.PatientAsync("D", "Four"), Daytime.AddMinutes(3));

        await world.RunRulesAsync();

        (await world.AlertsAsync(NoTreatmentRelationshipRule.RuleCode, physician.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Unusual_volume_fires_far_above_the_users_own_baseline_and_stays_quiet_for_a_busy_regular()
    {
        var patients = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            patients.Add(await world.PatientAsync("P" + i, "Volume"));
        }

        var quiet = await world.StaffAsync(Roles.HimClerk);
        var busy = await world.StaffAsync(Roles.HimClerk);
        var today = DateTimeOffset.UtcNow.AddHours(-2);
        for (var day = 10; day >= 1; day--)
        {
            var at = today.AddDays(-day);
            for (var i = 0; i < 2; i++)
            {
                await world.ViewAsync(quiet, patients[i], at.AddMinutes(i), "HOPERAT", "operations");
            }

            for (var i = 0; i < 15; i++)
            {
                await world.ViewAsync(busy, patients[i], at.AddMinutes(i), "HOPERAT", "operations");
            }
        }

        foreach (var (patient, i) in patients.Select((p, i) => (p, i)))
        {
            await world.ViewAsync(quiet, patient, today.AddSeconds(i), "HOPERAT", "operations");
            await world.ViewAsync(busy, patient, today.AddSeconds(i), "HOPERAT", "operations");
        }

        // Two hospital days: "today" above is two hours ago, which is yesterday in the first two hours after midnight.
        await world.RunRulesAsync(days: 2);

        var alert = (await world.AlertsAsync(UnusualVolumeRule.RuleCode, quiet.Id)).ShouldHaveSingleItem();
        alert.Summary.ShouldContain("opened 30 patients' records");
        alert.Evidence.ShouldContain("\"baselineAverage\": 2.0");
        (await world.AlertsAsync(UnusualVolumeRule.RuleCode, busy.Id)).ShouldBeEmpty("30 is not three times a usual 15");
    }

    [Fact]
    public async Task After_hours_fires_at_night_and_stays_quiet_in_the_working_day()
    {
        var patient = await world.PatientAsync("Night", "Owl");
        var night = await world.StaffAsync(Roles.HimClerk);
        var day = await world.StaffAsync(Roles.HimClerk);
        await world.ViewAsync(night, patient, ComplianceWorld.RecentWeekday(2, 30), "HOPERAT", "operations");
        await world.ViewAsync(day, patient, ComplianceWorld.RecentWeekday(11), "HOPERAT", "operations");

        await world.RunRulesAsync();

        var alert = (await world.AlertsAsync(AfterHoursRule.RuleCode, night.Id)).ShouldHaveSingleItem();
        alert.Summary.ShouldContain("outside working hours (7:00 to 19:00)");
        (await world.AlertsAsync(AfterHoursRule.RuleCode, day.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Deceased_patient_fires_long_after_death_and_stays_quiet_shortly_after()
    {
        var longGone = await world.PatientAsync("Old", "Ghost", diedAt: DateTimeOffset.UtcNow.AddDays(-400));
        var recent = await world.PatientAsync("New", "Ghost", diedAt: DateTimeOffset.UtcNow.AddDays(-20));
        var physician = await world.StaffAsync(Roles.Physician);
        var colleague = await world.StaffAsync(Roles.Physician);
        await world.ViewAsync(physician, longGone, Daytime);
        await world.ViewAsync(colleague, recent, Daytime);

        await world.RunRulesAsync();

        var alert = (await world.AlertsAsync(DeceasedPatientRule.RuleCode, physician.Id)).ShouldHaveSingleItem();
        alert.Summary.ShouldContain("who died");
        (await world.AlertsAsync(DeceasedPatientRule.RuleCode, colleague.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Disabled_account_fires_after_a_lock_and_after_a_removed_role_but_not_before()
    {
        var patient = await world.PatientAsync("Locked", "Out");
        var locked = await world.StaffAsync(Roles.HimClerk);
        var demoted = await world.StaffAsync(Roles.RoiSpecialist);
        var admin = await world.StaffAsync(Roles.Administrator);
        await world.ViewAsync(locked, patient, Daytime.AddHours(-1), "HOPERAT", "operations");
        await world.ViewAsync(demoted, patient, Daytime.AddHours(-1), "HOPERAT", "operations");

        world.Clock.Set(Daytime);
        world.Actor.ActAs(admin.Id, admin.Email, Roles.Administrator);
        await using (var scope = world.Services.CreateAsyncScope())
        {
            var user = await scope.ServiceProvider.GetRequiredService<GetUserHandler>().HandleAsync(new GetUserQuery(locked.Id), CancellationToken.None);
            (await scope.ServiceProvider.GetRequiredService<LockUserHandler>()
                .HandleAsync(new LockUserCommand(locked.Id, true, user.Value!.ConcurrencyStamp, "left the hospital"), CancellationToken.None)).IsSuccess.ShouldBeTrue();
            var other = await scope.ServiceProvider.GetRequiredService<GetUserHandler>().HandleAsync(new GetUserQuery(demoted.Id), CancellationToken.None);
            (await scope.ServiceProvider.GetRequiredService<ChangeRolesHandler>()
                .HandleAsync(new ChangeRolesCommand(demoted.Id, [Roles.HimClerk], other.Value!.ConcurrencyStamp), CancellationToken.None)).IsSuccess.ShouldBeTrue();
        }

        // A session that should have ended: the locked clerk keeps working, the demoted user still acts as an ROI specialist.
        // After the lock's audit row, which audit.append dated with the database's clock (now), not the test clock.
        var afterLock = DateTimeOffset.UtcNow;
        await world.ViewAsync(locked, patient, afterLock, "HOPERAT", "operations");
        await world.ViewAsync(demoted, patient, afterLock, "HOPERAT", "operations");

        await world.RunRulesAsync();

        var lockedAlert = (await world.AlertsAsync(DisabledAccountRule.RuleCode, locked.Id)).ShouldHaveSingleItem();
        lockedAlert.Events.ShouldBe(1, "only the access after the lock");
        lockedAlert.Summary.ShouldContain("after their account was locked");
        var demotedAlert = (await world.AlertsAsync(DisabledAccountRule.RuleCode, demoted.Id)).ShouldHaveSingleItem();
        demotedAlert.Summary.ShouldContain("stripped of a role");
        (await world.AlertsAsync(DisabledAccountRule.RuleCode, admin.Id)).ShouldBeEmpty();
    }
}
