using HimPortal.Application.Completion.Analysis;
using HimPortal.Data.Completion;

namespace HimPortal.Tests.Completion.Analysis;

/// <summary>The rules as a pure function of a stay's facts (the seeded rules): windows at their edges, responsibility by role.</summary>
public sealed class RuleEvaluationTests
{
    private static readonly DateTimeOffset Admitted = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid Adm = Guid.NewGuid(), Atnd = Guid.NewGuid(), Dis = Guid.NewGuid(), Pprf = Guid.NewGuid(), Other = Guid.NewGuid();

    private static readonly IReadOnlyList<CompletionRule> Rules = CompletionRuleSeed.Rules;

    private static StayFacts Stay(IReadOnlyList<StayParticipant>? participants = null, IReadOnlyList<StayNote>? notes = null,
        IReadOnlyList<StayProcedure>? procedures = null, string encounterClass = "IMP") =>
        new(Guid.NewGuid(), Guid.NewGuid(), encounterClass, null, Admitted, Admitted.AddDays(3),
            participants ?? [new(Adm, "ADM"), new(Atnd, "ATND")], procedures ?? [], notes ?? [], []);

    private static StayNote Note(string loinc, DateTimeOffset at, bool signed = true) => new(Guid.NewGuid(), loinc, at, Atnd, signed);

    private static WantedDeficiency? Hp(StayVerdict verdict) => verdict.Wanted.SingleOrDefault(w => w.Key == "hp-24h");

    [Fact]
    public void An_H_and_P_at_23_hours_59_minutes_after_admission_satisfies_the_rule_and_at_24_hours_1_minute_is_late()
    {
        var onTime = RuleEvaluation.Evaluate(Stay(notes: [Note("34117-2", Admitted.AddHours(23).AddMinutes(59))]), Rules);
        Hp(onTime).ShouldBeNull();
        onTime.Satisfied.ShouldContain("hp-24h");

        var late = Hp(RuleEvaluation.Evaluate(Stay(notes: [Note("34117-2", Admitted.AddHours(24).AddMinutes(1))]), Rules));
        late.ShouldNotBeNull();
        (late.Kind, late.Open).ShouldBe((DeficiencyKinds.LateDocument, false));

        var missing = Hp(RuleEvaluation.Evaluate(Stay(), Rules))!;
        (missing.Kind, missing.Open, missing.DueAt, missing.DocumentType).ShouldBe((DeficiencyKinds.MissingDocument, true, Admitted.AddHours(24), "34117-2"));
    }

    [Fact]
    public void An_H_and_P_from_before_admission_needs_an_update_note_within_24_hours_after_it()
    {
        var before = Note("34117-2", Admitted.AddDays(-10));
        var verdict = RuleEvaluation.Evaluate(Stay(notes: [before]), Rules);
        var update = verdict.Wanted.Single(w => w.Key == "hp-24h:update");
        (update.Kind, update.DueAt, update.ResponsiblePractitionerId).ShouldBe((DeficiencyKinds.MissingUpdateNote, Admitted.AddHours(24), Adm));
        Hp(verdict).ShouldBeNull();

        var updated = RuleEvaluation.Evaluate(Stay(notes: [before, Note("11492-6", Admitted.AddHours(23).AddMinutes(59))]), Rules);
        updated.Wanted.ShouldNotContain(w => w.Key.StartsWith("hp-24h", StringComparison.Ordinal));

        var tooOld = RuleEvaluation.Evaluate(Stay(notes: [Note("34117-2", Admitted.AddDays(-31))]), Rules);
        Hp(tooOld)!.Kind.ShouldBe(DeficiencyKinds.MissingDocument);
    }

    [Fact]
    public void The_H_and_P_must_precede_surgery_and_the_operative_report_is_owed_by_the_primary_performer()
    {
        var surgery = new StayProcedure(Guid.NewGuid(), Admitted.AddHours(2), Admitted.AddHours(3), Pprf, Surgery: true, Anesthesia: true, Consent: true);
        var verdict = RuleEvaluation.Evaluate(Stay(notes: [Note("34117-2", Admitted.AddHours(4))], procedures: [surgery]), Rules);
        Hp(verdict)!.Kind.ShouldBe(DeficiencyKinds.LateDocument);
        var report = verdict.Wanted.Single(w => w.Key == $"operative-report:{surgery.Id:D}");
        (report.ResponsiblePractitionerId, report.DueAt, report.ProcedureId).ShouldBe((Pprf, Admitted.AddHours(27), surgery.Id));

        var undecided = surgery with { PerformerId = null };
        RuleEvaluation.Evaluate(Stay(procedures: [undecided]), Rules).Wanted.Single(w => w.Key.StartsWith("operative-report", StringComparison.Ordinal))
            .ResponsiblePractitionerId.ShouldBeNull();

        var reported = RuleEvaluation.Evaluate(Stay(notes: [Note("11504-8", Admitted.AddHours(3).AddHours(23).AddMinutes(59))], procedures: [surgery]), Rules);
        reported.Wanted.ShouldNotContain(w => w.Key.StartsWith("operative-report", StringComparison.Ordinal));
    }

    [Fact]
    public void Responsibility_follows_the_role_admitting_before_attending_and_discharger_then_attending_then_performer()
    {
        RuleEvaluation.Responsible(Stay(participants: [new(Atnd, "ATND"), new(Adm, "ADM")]), Rule("hp-24h"), null).ShouldBe(Adm);
        RuleEvaluation.Responsible(Stay(participants: [new(Atnd, "ATND")]), Rule("hp-24h"), null).ShouldBe(Atnd);
        RuleEvaluation.Responsible(Stay(participants: [new(Atnd, "ATND"), new(Dis, "DIS")]), Rule("discharge-summary"), null).ShouldBe(Dis);
        RuleEvaluation.Responsible(Stay(participants: [new(Pprf, "PPRF"), new(Atnd, "ATND")]), Rule("discharge-summary"), null).ShouldBe(Atnd);
        RuleEvaluation.Responsible(Stay(participants: [new(Pprf, "PPRF")]), Rule("discharge-summary"), null).ShouldBe(Pprf);
        // Two attendings and nobody admitting: undecidable, the HIM queue assigns it.
        RuleEvaluation.Responsible(Stay(participants: [new(Atnd, "ATND"), new(Other, "ATND")]), Rule("hp-24h"), null).ShouldBeNull();
        RuleEvaluation.Responsible(Stay(participants: [new(Other, "CON")]), Rule("discharge-summary"), null).ShouldBeNull();
    }

    [Fact]
    public void Rules_apply_by_encounter_class_and_facility()
    {
        var emergency = RuleEvaluation.Evaluate(Stay(encounterClass: "EMER"), Rules);
        emergency.Wanted.ShouldNotContain(w => w.Key == "discharge-summary" || w.Key == "hp-24h");
        var facility = Guid.NewGuid();
        var scoped = new CompletionRule
        {
            Code = "x", Name = "x", Citation = "x", Kind = RuleKinds.Document, EncounterClasses = ["IMP"], FacilityIds = [facility],
            DocumentTypes = ["18842-5"], Anchor = RuleAnchors.Discharge, WindowStartHours = 0, WindowEndHours = 1, Responsible = ResponsibleRoles.DischargingAttending,
        };
        RuleEvaluation.AppliesTo(scoped, Stay()).ShouldBeFalse();
        RuleEvaluation.AppliesTo(scoped, Stay() with { FacilityId = facility }).ShouldBeTrue();
    }

    [Fact]
    public void Leave_days_count_each_day_of_overlap_once()
    {
        LeavePeriod[] leaves = [new(Atnd, new(2026, 11, 5), new(2026, 11, 8)), new(Atnd, new(2026, 11, 7), new(2026, 11, 12)), new(Adm, new(2026, 11, 1), new(2026, 11, 30))];
        StayReconciliation.LeaveDays(leaves, Atnd, new(2026, 11, 6), new(2026, 11, 10)).ShouldBe(5);
        StayReconciliation.LeaveDays(leaves, Dis, new(2026, 11, 6), new(2026, 11, 10)).ShouldBe(0);
    }

    private static CompletionRule Rule(string code) => Rules.Single(r => r.Code == code);
}
