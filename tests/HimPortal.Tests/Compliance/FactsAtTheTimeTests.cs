using System.Text.Json;
using HimPortal.Application.Access;
using HimPortal.Application.Administration.Users;
using HimPortal.Application.Administration.Users.GetUser;
using HimPortal.Application.Administration.Users.UpdateProfile;
using HimPortal.Application.Audit;
using HimPortal.Application.Compliance.Monitoring.Rules;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Compliance;

/// <summary>
/// Alerts that are true (issue 13): each access is judged by the flags and profile of its time, the HIM staff member who
/// sets a flag is not alerted for setting it, and a death long ago is said in years.
/// </summary>
public sealed class FactsAtTheTimeTests(ComplianceWorld world) : IClassFixture<ComplianceWorld>
{
    private static DateTimeOffset Daytime => ComplianceWorld.RecentWeekday(10);

    /// <summary>The clerk opens the chart-access page of the patient, as GET /ChartAccess/Patient/{id} does, at <paramref name="at"/>.</summary>
    /// <summary>The chart-access page as GetRecordAccess audits it, at <paramref name="at"/> (history: the database stamps the application's own rows now).</summary>
    private Task OpenAccessPageAsync(StaffMember clerk, Guid patient, DateTimeOffset at) =>
        world.EventAsync(clerk, at, new AuditRecord(AuditAction.View, AuditOutcome.Success, "ChartAccess", null, patient, "HOPERAT",
            "sections=demographics,restriction,assignments"));

    /// <summary>
    /// The clerk flags the patient as a VIP on the chart-access page: the page, the change, the page it redirects to. The
    /// change goes through SetRestriction (its dated history at <paramref name="at"/>) and its audit row is placed at the
    /// same moment, as the application writes both in one transaction.
    /// </summary>
    private async Task FlagVipAsync(StaffMember clerk, Guid patient, DateTimeOffset at)
    {
        await OpenAccessPageAsync(clerk, patient, at.AddSeconds(-8));
        await world.RestrictAsync(patient, vip: true, at: at, by: clerk);
        await world.EventAsync(clerk, at, new AuditRecord(AuditAction.Update, AuditOutcome.Success, "PatientRestriction", null, patient, "HOPERAT",
            "vip=True; employee=False; department="));
        await OpenAccessPageAsync(clerk, patient, at.AddSeconds(1));
    }

    private async Task<List<DateTimeOffset>> EvidenceTimesAsync(string rule, Guid user)
    {
        var alert = (await world.AlertsAsync(rule, user)).ShouldHaveSingleItem();
        using var evidence = JsonDocument.Parse(alert.Evidence);
        return evidence.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
    }

    [Fact]
    public async Task A_view_13_seconds_before_the_vip_flag_was_set_raises_no_vip_alert()
    {
        var patient = await world.PatientAsync("Early", "Glance");
        var physician = await world.StaffAsync(Roles.Physician);
        var clerk = await world.StaffAsync(Roles.HimClerk);
        await world.ViewAsync(physician, patient, Daytime);
        await FlagVipAsync(clerk, patient, Daytime.AddSeconds(13));

        await world.RunRulesAsync();

        (await world.AlertsAsync(RestrictedPatientRule.RuleCode, physician.Id)).ShouldBeEmpty("the record was not restricted when it was opened");
    }

    [Fact]
    public async Task A_view_after_the_vip_flag_raises_the_alert_with_that_view_only()
    {
        var patient = await world.PatientAsync("Later", "Glance");
        var physician = await world.StaffAsync(Roles.Physician);
        var clerk = await world.StaffAsync(Roles.HimClerk);
        await world.ViewAsync(physician, patient, Daytime);
        await FlagVipAsync(clerk, patient, Daytime.AddSeconds(13));
        await world.ViewAsync(physician, patient, Daytime.AddMinutes(20), "ETREAT", "break-glass");

        await world.RunRulesAsync();

        var alert = (await world.AlertsAsync(RestrictedPatientRule.RuleCode, physician.Id)).ShouldHaveSingleItem();
        alert.Events.ShouldBe(1);
        alert.Summary.ShouldContain("opened the restricted record");
        (await EvidenceTimesAsync(RestrictedPatientRule.RuleCode, physician.Id)).ShouldBe([AuditChain.ToStoredPrecision(Daytime.AddMinutes(20))]);
    }

    [Fact]
    public async Task The_clerk_who_sets_the_flag_is_not_alerted_for_setting_it_but_is_for_opening_the_record_afterwards()
    {
        var patient = await world.PatientAsync("Public", "Figure");
        var clerk = await world.StaffAsync(Roles.HimClerk);
        await FlagVipAsync(clerk, patient, Daytime);

        await world.RunRulesAsync();

        await using (var scope = world.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
            (await db.PrivacyAlerts.AsNoTracking().Where(a => a.UserId == clerk.Id).Select(a => a.RuleCode).ToListAsync())
                .ShouldBeEmpty("the page views that made the flag, and the change itself, are the flagging, not snooping");
        }

        // The same clerk opening the chart half an hour later is an access like anyone's.
        await world.ViewAsync(clerk, patient, Daytime.AddMinutes(30), "HOPERAT", "operations");
        // And so is coming back to the access page later, without changing anything.
        await OpenAccessPageAsync(clerk, patient, Daytime.AddMinutes(40));
        await world.RunRulesAsync();

        (await world.AlertsAsync(RestrictedPatientRule.RuleCode, clerk.Id)).ShouldHaveSingleItem().Events.ShouldBe(2);
    }

    [Fact]
    public async Task Saving_a_flag_unchanged_does_not_hide_a_look_at_a_vips_access_page()
    {
        var patient = await world.PatientAsync("Already", "Famous");
        await world.RestrictAsync(patient, vip: true);
        var clerk = await world.StaffAsync(Roles.HimClerk);
        await FlagVipAsync(clerk, patient, Daytime);

        await world.RunRulesAsync();

        (await world.AlertsAsync(RestrictedPatientRule.RuleCode, clerk.Id)).ShouldHaveSingleItem().Events.ShouldBe(2, "the page before and after the save");
    }

    [Fact]
    public async Task A_coworker_alert_compares_the_department_the_user_had_when_they_opened_the_record()
    {
        var colleague = await world.PatientAsync("Nora", "Feld");
        await world.RestrictAsync(colleague, employee: true, department: "Cardiology");
        var physician = await world.StaffAsync(Roles.Physician, new UserProfile(Department: "Radiology"));
        var admin = await world.StaffAsync(Roles.Administrator);
        await world.ViewAsync(physician, colleague, Daytime, "ETREAT", "break-glass");

        // An hour later the physician moves to cardiology.
        world.Actor.ActAs(admin.Id, admin.Email, Roles.Administrator);
        var moved = await world.AtAsync(Daytime.AddHours(1), async () =>
        {
            await using var scope = world.Services.CreateAsyncScope();
            var user = await scope.ServiceProvider.GetRequiredService<GetUserHandler>().HandleAsync(new GetUserQuery(physician.Id), CancellationToken.None);
            return await scope.ServiceProvider.GetRequiredService<UpdateProfileHandler>().HandleAsync(
                new UpdateProfileCommand(physician.Id, user.Value!.Profile with { Department = "Cardiology" }, user.Value.ConcurrencyStamp), CancellationToken.None);
        });
        moved.IsSuccess.ShouldBeTrue(moved.Error?.Message);
        await world.ViewAsync(physician, colleague, Daytime.AddHours(2), "ETREAT", "break-glass");

        await world.RunRulesAsync();

        var alert = (await world.AlertsAsync(CoworkerRule.RuleCode, physician.Id)).ShouldHaveSingleItem();
        alert.Events.ShouldBe(1, "only the view made while the user worked in cardiology");
        alert.Summary.ShouldContain("(Cardiology)");
    }

    [Fact]
    public async Task A_family_name_set_after_the_view_does_not_make_it_a_relatives_record()
    {
        var family = "Ostrander" + Guid.NewGuid().ToString("N")[..6];
        var patient = await world.PatientAsync("Ilse", family);
        var clerk = await world.StaffAsync(Roles.HimClerk);
        var admin = await world.StaffAsync(Roles.Administrator);
        await world.ViewAsync(clerk, patient, Daytime, "HOPERAT", "operations");

        world.Actor.ActAs(admin.Id, admin.Email, Roles.Administrator);
        var named = await world.AtAsync(Daytime.AddMinutes(5), async () =>
        {
            await using var scope = world.Services.CreateAsyncScope();
            var user = await scope.ServiceProvider.GetRequiredService<GetUserHandler>().HandleAsync(new GetUserQuery(clerk.Id), CancellationToken.None);
            return await scope.ServiceProvider.GetRequiredService<UpdateProfileHandler>().HandleAsync(
                new UpdateProfileCommand(clerk.Id, user.Value!.Profile with { FamilyName = family }, user.Value.ConcurrencyStamp), CancellationToken.None);
        });
        named.IsSuccess.ShouldBeTrue(named.Error?.Message);

        await world.RunRulesAsync();

        (await world.AlertsAsync(SameFamilyNameRule.RuleCode, clerk.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_death_long_ago_is_said_in_years()
    {
        var view = Daytime;
        var patient = await world.PatientAsync("Long", "Gone", diedAt: view.AddDays(-28198));
        var physician = await world.StaffAsync(Roles.Physician);
        await world.ViewAsync(physician, patient, view);

        await world.RunRulesAsync();

        var alert = (await world.AlertsAsync(DeceasedPatientRule.RuleCode, physician.Id)).ShouldHaveSingleItem();
        alert.Summary.ShouldEndWith("who died 77 years earlier");
        alert.Evidence.ShouldContain("\"timeSinceDeath\": \"77 years\"");
        alert.Summary.ShouldNotContain("28198");
    }

    [Theory]
    [InlineData("2026-01-01 10:00", "2103-03-14 09:00", "77 years")]
    [InlineData("2026-01-01 10:00", "2027-01-01 10:00", "1 year")]
    [InlineData("2026-01-31 10:00", "2026-05-02 10:00", "3 months")]
    [InlineData("2026-03-01 08:00", "2026-03-13 09:00", "12 days")]
    [InlineData("2026-03-01 08:00", "2026-03-02 07:59", "23 hours")]
    [InlineData("2026-03-01 08:00", "2026-03-01 08:01", "1 minute")]
    [InlineData("2026-03-01 08:00", "2026-03-01 08:00", "less than a minute")]
    public async Task Durations_are_words_in_the_largest_whole_unit(string from, string to, string words) =>
        (await world.Database.ScalarAsync<string>($"SELECT compliance.elapsed_words('{from}'::timestamp, '{to}'::timestamp)")).ShouldBe(words);
}
