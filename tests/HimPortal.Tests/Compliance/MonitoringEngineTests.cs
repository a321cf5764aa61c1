using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Access;
using HimPortal.Application.Compliance.Monitoring;
using HimPortal.Application.Compliance.Monitoring.Rules;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Compliance;

/// <summary>How rules run: idempotent windows, evidence added to open alerts, switching and tuning, who may do it, the schedule.</summary>
public sealed class MonitoringEngineTests(ComplianceWorld world) : IClassFixture<ComplianceWorld>
{
    private static DateTimeOffset Daytime => ComplianceWorld.RecentWeekday(10);

    private async Task<Application.Common.Result<RuleView>> UpdateAsync(string code, bool enabled, Dictionary<string, string?> parameters)
    {
        world.ActAsComplianceOfficer();
        var rules = await world.AsAsync(sp => sp.GetRequiredService<ListRulesHandler>().HandleAsync(new ListRulesQuery(), CancellationToken.None));
        var version = rules.Value!.Rules.Single(r => r.Code == code).Version;
        return await world.AsAsync(sp => sp.GetRequiredService<UpdateRuleHandler>()
            .HandleAsync(new UpdateRuleCommand(code, enabled, parameters, version), CancellationToken.None));
    }

    [Fact]
    public async Task Running_a_window_again_raises_nothing_twice_and_adds_new_evidence_to_the_open_alert()
    {
        var died = await world.PatientAsync("Rerun", "Ghost", diedAt: DateTimeOffset.UtcNow.AddDays(-500));
        var physician = await world.StaffAsync(Roles.Physician);
        await world.ViewAsync(physician, died, Daytime);
        await world.RunRulesAsync();
        await world.RunRulesAsync();
        (await world.AlertsAsync(DeceasedPatientRule.RuleCode, physician.Id)).ShouldHaveSingleItem().Events.ShouldBe(1);

        await world.ViewAsync(physician, died, Daytime.AddMinutes(30));
        var run = await world.RunRulesAsync();

        (await world.AlertsAsync(DeceasedPatientRule.RuleCode, physician.Id)).ShouldHaveSingleItem().Events.ShouldBe(2);
        run.Updated.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task A_switched_off_rule_raises_nothing_and_a_tuned_one_follows_its_parameters()
    {
        (await UpdateAsync(DeceasedPatientRule.RuleCode, true, new() { ["daysAfterDeath"] = "1000", ["includeOperations"] = "true" })).IsSuccess.ShouldBeTrue();
        var died = await world.PatientAsync("Tuned", "Ghost", diedAt: DateTimeOffset.UtcNow.AddDays(-500));
        var vip = await world.PatientAsync("Off", "Star");
        await world.RestrictAsync(vip, vip: true);
        (await UpdateAsync(RestrictedPatientRule.RuleCode, false, new() { ["includeVip"] = "true", ["includeEmployees"] = "true" })).IsSuccess.ShouldBeTrue();
        var physician = await world.StaffAsync(Roles.Physician);
        await world.ViewAsync(physician, died, Daytime);
        await world.ViewAsync(physician, vip, Daytime, "ETREAT", "break-glass");

        await world.RunRulesAsync();

        (await world.AlertsAsync(DeceasedPatientRule.RuleCode, physician.Id)).ShouldBeEmpty("500 days is under the tuned 1000");
        (await world.AlertsAsync(RestrictedPatientRule.RuleCode, physician.Id)).ShouldBeEmpty("the rule is off");
        (await UpdateAsync(DeceasedPatientRule.RuleCode, true, new() { ["daysAfterDeath"] = "90", ["includeOperations"] = "true" })).IsSuccess.ShouldBeTrue();
        (await UpdateAsync(RestrictedPatientRule.RuleCode, true, new() { ["includeVip"] = "true", ["includeEmployees"] = "true" })).IsSuccess.ShouldBeTrue();
    }

    [Fact]
    public async Task A_parameter_out_of_range_is_refused_by_name_and_nothing_changes()
    {
        world.ActAsComplianceOfficer();
        var before = await world.AsAsync(sp => sp.GetRequiredService<ListRulesHandler>().HandleAsync(new ListRulesQuery(), CancellationToken.None));
        var result = await UpdateAsync(AfterHoursRule.RuleCode, true, new() { ["startHour"] = "25", ["endHour"] = "19", ["weekends"] = "true", ["minimumEvents"] = "1" });

        result.IsSuccess.ShouldBeFalse();
        result.Error!.Message.ShouldBe("Working day starts at (hour): give a whole number from 0 to 23.");
        var after = await world.AsAsync(sp => sp.GetRequiredService<ListRulesHandler>().HandleAsync(new ListRulesQuery(), CancellationToken.None));
        after.Value!.Rules.Single(r => r.Code == AfterHoursRule.RuleCode).ShouldBeEquivalentTo(before.Value!.Rules.Single(r => r.Code == AfterHoursRule.RuleCode));
    }

    [Fact]
    public async Task Two_officers_saving_one_rule_at_once_the_second_is_told()
    {
        world.ActAsComplianceOfficer();
        var rules = await world.AsAsync(sp => sp.GetRequiredService<ListRulesHandler>().HandleAsync(new ListRulesQuery(), CancellationToken.None));
        var seen = rules.Value!.Rules.Single(r => r.Code == SameFamilyNameRule.RuleCode).Version;
        var first = await world.AsAsync(sp => sp.GetRequiredService<UpdateRuleHandler>()
            .HandleAsync(new UpdateRuleCommand(SameFamilyNameRule.RuleCode, true, new Dictionary<string, string?> { ["ignoredNames"] = "Smith" }, seen), CancellationToken.None));
        var second = await world.AsAsync(sp => sp.GetRequiredService<UpdateRuleHandler>()
            .HandleAsync(new UpdateRuleCommand(SameFamilyNameRule.RuleCode, false, new Dictionary<string, string?> { ["ignoredNames"] = "" }, seen), CancellationToken.None));

        first.IsSuccess.ShouldBeTrue(first.Error?.Message);
        second.Error!.Code.ShouldBe("conflict");
        var now = await world.AsAsync(sp => sp.GetRequiredService<ListRulesHandler>().HandleAsync(new ListRulesQuery(), CancellationToken.None));
        now.Value!.Rules.Single(r => r.Code == SameFamilyNameRule.RuleCode).Enabled.ShouldBeTrue();
    }

    [Fact]
    public async Task Only_a_compliance_officer_tunes_or_runs_rules_on_demand()
    {
        world.Actor.ActAs(Guid.NewGuid(), "manager@test.himportal.example", Roles.HimManager);
        var tune = await world.AsAsync(sp => sp.GetRequiredService<UpdateRuleHandler>()
            .HandleAsync(new UpdateRuleCommand(OwnRecordRule.RuleCode, false, new Dictionary<string, string?>(), 0), CancellationToken.None));
        var run = await world.AsAsync(sp => sp.GetRequiredService<RunMonitoringHandler>()
            .HandleAsync(new RunMonitoringCommand(Scheduled: false), CancellationToken.None));
        var scheduledAsUser = await world.AsAsync(sp => sp.GetRequiredService<RunMonitoringHandler>()
            .HandleAsync(new RunMonitoringCommand(Scheduled: true), CancellationToken.None));

        tune.Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        run.Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        scheduledAsUser.Error!.Kind.ShouldBe(ErrorKind.Forbidden, "a signed-in user cannot pass as the background job");
    }

    [Fact]
    public async Task The_scheduled_run_is_audited_as_the_system_and_continues_from_the_last_run()
    {
        world.Actor.Current = ActorScope.Scheduler("privacy-monitoring", "test-run");
        var first = await world.AsAsync(sp => sp.GetRequiredService<RunMonitoringHandler>()
            .HandleAsync(new RunMonitoringCommand(Scheduled: true), CancellationToken.None));
        var second = await world.AsAsync(sp => sp.GetRequiredService<RunMonitoringHandler>()
            .HandleAsync(new RunMonitoringCommand(Scheduled: true), CancellationToken.None));

        first.IsSuccess.ShouldBeTrue(first.Error?.Message);
        first.Value!.WindowFrom.ShouldBe(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-7), TimeSpan.Zero), "a first run looks back a week");
        second.Value!.WindowFrom.ShouldBe(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-1), TimeSpan.Zero), "then from the day before the last run");
        await using var scope = world.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var audited = await db.AccessEvents.AsNoTracking()
            .Where(e => e.ResourceType == "MonitoringRun" && e.ResourceId == second.Value.RunId.ToString("D")).SingleAsync();
        audited.UserName.ShouldBe("system:privacy-monitoring");
        audited.Details!.ShouldContain("schedule; window");
    }
}
