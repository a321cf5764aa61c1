using HimPortal.Application.Access;
using HimPortal.Application.Administration.Users.ChangeRoles;
using HimPortal.Application.Administration.Users.GetUser;
using HimPortal.Application.Compliance.Monitoring.Rules;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Compliance;

/// <summary>Issue 14: a chart-reading role granted, then a chart opened soon after by its new holder, is reviewed.</summary>
public sealed class RoleGrantedRuleTests(ComplianceWorld world) : IClassFixture<ComplianceWorld>
{
    private static DateTimeOffset Daytime => ComplianceWorld.RecentWeekday(10);

    [Fact]
    public async Task Role_granted_fires_for_a_view_soon_after_a_physician_grant_and_stays_quiet_for_an_old_physician_and_a_late_view()
    {
        var patient = await world.PatientAsync("Granted", "Target");
        var clerk = await world.StaffAsync(Roles.HimClerk);
        var veteran = await world.StaffAsync(Roles.Physician);
        var admin = await world.StaffAsync(Roles.Administrator);

        world.Actor.ActAs(admin.Id, admin.Email, Roles.Administrator);
        var stamp = (await world.AsAsync(sp => sp.GetRequiredService<GetUserHandler>().HandleAsync(new GetUserQuery(clerk.Id), CancellationToken.None))).Value!.ConcurrencyStamp;
        var granted = await world.AtAsync(Daytime, () => world.AsAsync(sp => sp.GetRequiredService<ChangeRolesHandler>()
            .HandleAsync(new ChangeRolesCommand(clerk.Id, [Roles.HimClerk, Roles.Physician], stamp), CancellationToken.None)));
        granted.IsSuccess.ShouldBeTrue(granted.Error?.Message);

        await world.ViewAsync(clerk, patient, Daytime.AddHours(2));
        await world.ViewAsync(clerk, patient, Daytime.AddHours(30));
        await world.ViewAsync(veteran, patient, Daytime.AddHours(2));

        await world.RunRulesAsync();

        var alert = (await world.AlertsAsync(RoleGrantedRule.RuleCode, clerk.Id)).ShouldHaveSingleItem();
        alert.Events.ShouldBe(1, "the view 30 hours later is past the rule's 24");
        alert.Summary.ShouldContain($"2 hours after being granted Physician by {admin.Email}");
        (await world.AlertsAsync(RoleGrantedRule.RuleCode, veteran.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Role_granted_fires_for_a_new_physician_account_opening_a_chart_on_its_first_day()
    {
        var patient = await world.PatientAsync("Fresh", "Account");
        var fresh = await world.StaffAsync(Roles.Physician, since: Daytime);
        await world.ViewAsync(fresh, patient, Daytime.AddMinutes(20));

        await world.RunRulesAsync();

        (await world.AlertsAsync(RoleGrantedRule.RuleCode, fresh.Id)).ShouldHaveSingleItem().Summary.ShouldContain("(a new account)");
    }
}
