using HimPortal.Application.Completion.Analysis;
using HimPortal.Data.Completion;

namespace HimPortal.Tests.Completion.Analysis;

/// <summary>The diff of a stay's verdict against its stored deficiencies: reopen, keep cleared, never reassign.</summary>
public sealed class StayReconciliationTests
{
    private static readonly DateTimeOffset Discharged = new(2026, 11, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid Rule = Guid.NewGuid(), Physician = Guid.NewGuid(), Other = Guid.NewGuid();

    private static readonly StayFacts Stay = new(Guid.NewGuid(), Guid.NewGuid(), "IMP", null, Discharged.AddDays(-2), Discharged, [], [], [], []);

    private static StoredDeficiency Stored(string status, string? resolution, Guid? responsible = null) =>
        new(Guid.NewGuid(), "discharge-summary", Rule, status, DeficiencyKinds.MissingDocument, "Discharge summary", responsible ?? Physician,
            Discharged.AddDays(7), Discharged, resolution, null, 42);

    private static StayVerdict Wants(Guid? responsible) => new(
        [new WantedDeficiency("discharge-summary", Rule, DeficiencyKinds.MissingDocument, "Discharge summary", true, Discharged.AddDays(7), responsible)],
        new HashSet<string>(), 30);

    private static StayChanges Reconcile(StayVerdict verdict, params StoredDeficiency[] stored) =>
        StayReconciliation.Reconcile(Stay, verdict, stored, [], leavePausesDeadlines: true, d => DateOnly.FromDateTime(d.UtcDateTime), Discharged.AddDays(1));

    [Fact]
    public void A_deficiency_resolved_by_a_signature_reopens_when_the_rule_no_longer_holds_and_keeps_its_physician()
    {
        var signed = Stored(DeficiencyStatuses.Resolved, "signed", Other);
        var changes = Reconcile(Wants(Physician), signed);
        var change = changes.Changed.ShouldHaveSingleItem();
        (change.Status, change.Event, change.Resolution).ShouldBe((DeficiencyStatuses.Open, "reopened", (string?)null));
        changes.Created.ShouldBeEmpty();
        changes.OpenDeficiencies.ShouldBe(1);
    }

    [Fact]
    public void A_deficiency_HIM_cleared_stays_cleared_and_one_no_longer_wanted_is_resolved_by_why()
    {
        Reconcile(Wants(Physician), Stored(DeficiencyStatuses.Resolved, "cleared")).Changed.ShouldBeEmpty();

        var gone = Reconcile(new StayVerdict([], new HashSet<string>(), 30), Stored(DeficiencyStatuses.Open, null));
        gone.Changed.ShouldHaveSingleItem().Resolution.ShouldBe("no-longer-applies");
        var done = Reconcile(new StayVerdict([], new HashSet<string> { "discharge-summary" }, 30), Stored(DeficiencyStatuses.Open, null));
        done.Changed.ShouldHaveSingleItem().Resolution.ShouldBe("satisfied");
        done.OpenDeficiencies.ShouldBe(0);
    }

    [Fact]
    public void An_open_deficiency_already_as_wanted_is_not_touched()
    {
        var changes = Reconcile(Wants(Other), Stored(DeficiencyStatuses.Open, null));
        changes.Changed.ShouldBeEmpty();
        changes.Created.ShouldBeEmpty();
        changes.DelinquentAt.ShouldBe(Discharged.AddDays(30));
    }
}
