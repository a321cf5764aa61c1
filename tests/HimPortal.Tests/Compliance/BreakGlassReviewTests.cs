using HimPortal.Application.Access;
using HimPortal.Application.Access.BreakGlass;
using HimPortal.Application.Compliance.AccessLog;
using HimPortal.Application.Compliance.BreakGlassReview;
using HimPortal.Application.Compliance.Home;
using HimPortal.Application.Compliance.Reviews;
using HimPortal.Application.Compliance.SearchAccessLog;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Compliance;

/// <summary>
/// A physician's emergency access lands in the review queue and the patient's access log; a reviewer dispositions it
/// once, with notes where they are owed, never their own, and never over another reviewer's decision.
/// </summary>
public sealed class BreakGlassReviewTests(ComplianceWorld world) : IClassFixture<ComplianceWorld>
{
    private async Task<(Guid Grant, Guid Patient, StaffMember Physician)> BreakGlassAsync()
    {
        var patient = await world.PatientAsync("Emma", "Gency");
        var physician = await world.StaffAsync(Roles.Physician);
        world.Actor.ActAs(physician.Id, physician.Email, Roles.Physician);
        world.Clock.Set(DateTimeOffset.UtcNow);
        var grant = await world.AsAsync(sp => sp.GetRequiredService<BreakGlassHandler>()
            .HandleAsync(new BreakGlassCommand(patient, "emergency", null, true), CancellationToken.None));
        grant.IsSuccess.ShouldBeTrue(grant.Error?.Message);
        return (grant.Value!.Id, patient, physician);
    }

    private Task<Application.Common.Result<string>> ReviewAsync(Guid reviewer, Guid grant, string? disposition, string? notes, uint version)
    {
        world.ActAsComplianceOfficer(reviewer);
        return world.AsAsync(sp => sp.GetRequiredService<ReviewBreakGlassHandler>()
            .HandleAsync(new ReviewCommand(grant, disposition, notes, version), CancellationToken.None));
    }

    private async Task<BreakGlassReviewView> OpenAsync(Guid grant)
    {
        world.ActAsComplianceOfficer();
        return (await world.AsAsync(sp => sp.GetRequiredService<GetBreakGlassReviewHandler>()
            .HandleAsync(new GetBreakGlassReviewQuery(grant), CancellationToken.None))).Value!;
    }

    private async Task<int> UnreviewedAsync()
    {
        world.ActAsComplianceOfficer();
        return (await world.AsAsync(sp => sp.GetRequiredService<ComplianceHomeHandler>()
            .HandleAsync(new ComplianceHomeQuery(), CancellationToken.None))).Value!.BreakGlassUnreviewed;
    }

    [Fact]
    public async Task A_break_the_glass_access_is_in_the_queue_and_the_patients_log_until_it_is_reviewed()
    {
        var before = await UnreviewedAsync();
        var (grant, patient, physician) = await BreakGlassAsync();
        (await UnreviewedAsync()).ShouldBe(before + 1);

        world.ActAsComplianceOfficer();
        var queue = (await world.AsAsync(sp => sp.GetRequiredService<ListBreakGlassHandler>()
            .HandleAsync(new ListBreakGlassQuery(), CancellationToken.None))).Value!;
        queue.Items.ShouldContain(i => i.Id == grant && i.PatientId == patient && i.Reason.StartsWith("Emergency care", StringComparison.Ordinal));
        var log = (await world.AsAsync(sp => sp.GetRequiredService<SearchAccessLogHandler>()
            .HandleAsync(new SearchAccessLogQuery(new AccessLogFilter(PatientId: patient, BreakGlassOnly: true)), CancellationToken.None))).Value!;
        log.Rows.ShouldHaveSingleItem().UserId.ShouldBe(physician.Id);

        var view = await OpenAsync(grant);
        view.AccessesDuringGrant.ShouldContain(r => r.Action == "break-glass");
        (await ReviewAsync(Guid.NewGuid(), grant, Dispositions.Appropriate, null, view.Version)).IsSuccess.ShouldBeTrue();

        (await UnreviewedAsync()).ShouldBe(before);
        (await OpenAsync(grant)).Disposition.ShouldBe(Dispositions.Appropriate);
    }

    [Fact]
    public async Task The_second_of_two_reviewers_at_once_is_told_and_the_first_review_stands()
    {
        var (grant, _, _) = await BreakGlassAsync();
        var seen = (await OpenAsync(grant)).Version;
        var first = await world.StaffAsync(Roles.ComplianceOfficer);
        var second = await world.StaffAsync(Roles.HimManager);

        (await ReviewAsync(first.Id, grant, Dispositions.Inappropriate, "No emergency on record; referred to the privacy officer.", seen)).IsSuccess.ShouldBeTrue();
        var late = await ReviewAsync(second.Id, grant, Dispositions.Appropriate, null, seen);

        late.Error!.Code.ShouldBe("conflict");
        late.Error.Message.ShouldContain("Test ComplianceOfficer changed this after you opened it");
        var stored = await OpenAsync(grant);
        stored.Disposition.ShouldBe(Dispositions.Inappropriate);
        stored.ReviewerName.ShouldBe("Test ComplianceOfficer");
    }

    [Fact]
    public async Task A_final_disposition_stands_while_a_follow_up_gets_its_final_one()
    {
        var (grant, _, _) = await BreakGlassAsync();
        var reviewer = Guid.NewGuid();
        (await ReviewAsync(reviewer, grant, Dispositions.FollowUp, "Asked the physician for the clinical reason.", (await OpenAsync(grant)).Version)).IsSuccess.ShouldBeTrue();
        (await ReviewAsync(reviewer, grant, Dispositions.Appropriate, "Covering for a colleague; confirmed.", (await OpenAsync(grant)).Version)).IsSuccess.ShouldBeTrue();

        var again = await ReviewAsync(reviewer, grant, Dispositions.Inappropriate, "changed my mind", (await OpenAsync(grant)).Version);
        again.Error!.Code.ShouldBe("already-reviewed");
    }

    [Fact]
    public async Task Notes_are_required_where_they_are_owed_and_nothing_changes_without_them()
    {
        var (grant, _, _) = await BreakGlassAsync();
        var version = (await OpenAsync(grant)).Version;

        (await ReviewAsync(Guid.NewGuid(), grant, Dispositions.Inappropriate, "  ", version)).Error!.Message
            .ShouldBe("Write a note: say why, and what follows (for an inappropriate access or one that needs follow-up).");
        (await ReviewAsync(Guid.NewGuid(), grant, "fine", null, version)).Error!.Message
            .ShouldBe("Choose a disposition: appropriate, inappropriate or needs follow-up.");
        (await OpenAsync(grant)).Disposition.ShouldBeNull();
    }

    [Fact]
    public async Task A_reviewer_never_reviews_their_own_emergency_access()
    {
        var (grant, _, physician) = await BreakGlassAsync();
        var result = await ReviewAsync(physician.Id, grant, Dispositions.Appropriate, null, (await OpenAsync(grant)).Version);
        result.Error.ShouldBe(Application.Compliance.ComplianceErrors.OwnAccess);
    }

    [Fact]
    public async Task An_access_waiting_longer_than_the_configured_days_is_overdue()
    {
        var (grant, _, _) = await BreakGlassAsync();
        await using (var scope = world.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
            await db.BreakGlassAccesses.Where(g => g.Id == grant)
                .ExecuteUpdateAsync(set => set.SetProperty(g => g.GrantedAt, DateTimeOffset.UtcNow.AddDays(-4)));
        }

        world.ActAsComplianceOfficer();
        var home = (await world.AsAsync(sp => sp.GetRequiredService<ComplianceHomeHandler>()
            .HandleAsync(new ComplianceHomeQuery(), CancellationToken.None))).Value!;
        home.BreakGlassOverdue.ShouldBeGreaterThanOrEqualTo(1);
        home.OverdueDays.ShouldBe(3);
        (await OpenAsync(grant)).Overdue.ShouldBeTrue();
    }

    [Fact]
    public async Task The_review_lists_only_what_happened_under_the_grant_and_the_ready_views_count_the_grant_once()
    {
        var patient = await world.PatientAsync("Under", "Grant");
        var physician = await world.StaffAsync(Roles.Physician);
        // The grant is made now: the database stamps its audit row (it cannot be back-dated), and the views follow it.
        var grantedAt = DateTimeOffset.UtcNow;
        // Seven refusals before the glass was broken: why it was broken, not accesses made under it.
        for (var i = 7; i >= 1; i--)
        {
            await world.RefusedAsync(physician, patient, grantedAt.AddMinutes(-i));
        }

        world.Actor.ActAs(physician.Id, physician.Email, Roles.Physician);
        var grant = await world.AtAsync(grantedAt, () => world.AsAsync(sp => sp.GetRequiredService<BreakGlassHandler>()
            .HandleAsync(new BreakGlassCommand(patient, "emergency", null, true), CancellationToken.None)));
        grant.IsSuccess.ShouldBeTrue(grant.Error?.Message);
        var id = grant.Value!.Id;
        for (var i = 1; i <= 3; i++)
        {
            await world.ViewAsync(physician, patient, grantedAt.AddSeconds(i), "ETREAT", "break-glass; break-glass=" + id.ToString("D"));
        }

        var view = await OpenAsync(id);

        view.AccessesDuringGrant.Count.ShouldBe(4, "the grant and the three views made under it");
        view.AccessesDuringGrant.ShouldAllBe(r => r.Outcome == "success" && r.UserId == physician.Id && r.PatientId == patient);
        view.AccessesDuringGrant.ShouldAllBe(r => r.OccurredAt >= view.GrantedAt && r.OccurredAt <= view.ExpiresAt);
        world.ActAsComplianceOfficer();
        var who = (await world.AsAsync(sp => sp.GetRequiredService<Application.Compliance.WhoAccessedPatient.WhoAccessedPatientHandler>()
            .HandleAsync(new Application.Compliance.WhoAccessedPatient.WhoAccessedPatientQuery(patient), CancellationToken.None))).Value!;
        var person = who.Accessors.Single(a => a.UserId == physician.Id);
        person.BreakGlass.ShouldBe(1, "one grant, however many views were made under it");
        person.Denied.ShouldBe(7);
        var what = (await world.AsAsync(sp => sp.GetRequiredService<Application.Compliance.UserActivity.UserActivityHandler>()
            .HandleAsync(new Application.Compliance.UserActivity.UserActivityQuery(physician.Id), CancellationToken.None))).Value!;
        what.Patients.Single(p => p.PatientId == patient).BreakGlass.ShouldBe(1);
    }
}
