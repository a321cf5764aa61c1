using HimPortal.Data.Completion;

namespace HimPortal.Application.Completion.Analysis;

/// <summary>A deficiency as stored (what the reconciliation compares the verdict with).</summary>
public sealed record StoredDeficiency(
    Guid Id,
    string Key,
    Guid? RuleId,
    string Status,
    string Kind,
    string Description,
    Guid? ResponsiblePractitionerId,
    DateTimeOffset DueAt,
    DateTimeOffset CreatedAt,
    string? Resolution,
    Guid? DocumentId,
    long Version);

/// <summary>A physician's leave in force (not cancelled), in the hospital's days.</summary>
public sealed record LeavePeriod(Guid PractitionerId, DateOnly From, DateOnly Until);

/// <summary>A new deficiency row.</summary>
public sealed record NewDeficiency(Guid Id, Guid EncounterId, Guid PatientId, WantedDeficiency Wanted, DateTimeOffset DueAt, DateTimeOffset DischargedAt);

/// <summary>A change to a stored deficiency the analysis owns (never its responsibility): status, kind, text, due date, document.</summary>
public sealed record DeficiencyChange(
    Guid Id, long Version, string Status, string Kind, string Description, DateTimeOffset DueAt, Guid? DocumentId, string? Resolution, string Event);

/// <summary>The stay row and the deficiency changes one stay's verdict leads to.</summary>
public sealed record StayChanges(
    Guid EncounterId,
    int OpenDeficiencies,
    DateTimeOffset DelinquentAt,
    IReadOnlyList<NewDeficiency> Created,
    IReadOnlyList<DeficiencyChange> Changed);

/// <summary>
/// The diff of a stay's verdict against its stored deficiencies, by key (pure, like the rules). Manual deficiencies
/// (no rule) are never touched, nor is anyone's responsibility for an existing deficiency: HIM's assignments and the
/// physicians' refusals own that. A deficiency HIM cleared stays cleared; one resolved otherwise reopens when the rule
/// wants it again (a signature withdrawn by a correction, a document entered in error).
/// </summary>
public static class StayReconciliation
{
    public const string Satisfied = "satisfied";
    public const string NoLongerApplies = "no-longer-applies";
    public const string Cleared = "cleared";

    public static StayChanges Reconcile(
        StayFacts stay,
        StayVerdict verdict,
        IReadOnlyList<StoredDeficiency> stored,
        IReadOnlyList<LeavePeriod> leaves,
        bool leavePausesDeadlines,
        Func<DateTimeOffset, DateOnly> dayOf,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stay);
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(leaves);
        ArgumentNullException.ThrowIfNull(dayOf);
        var byKey = stored.Where(d => d.RuleId is not null).ToDictionary(d => d.Key, StringComparer.Ordinal);
        var created = new List<NewDeficiency>();
        var changed = new List<DeficiencyChange>();
        var openResponsible = new List<Guid?>();
        var open = stored.Count(d => d.RuleId is null && d.Status == DeficiencyStatuses.Open);

        DateTimeOffset Paused(Guid? practitioner, DateTimeOffset from, DateTimeOffset due) =>
            leavePausesDeadlines && practitioner is { } p ? due.AddDays(LeaveDays(leaves, p, dayOf(from), dayOf(due))) : due;

        foreach (var want in verdict.Wanted)
        {
            var status = want.Open ? DeficiencyStatuses.Open : DeficiencyStatuses.Resolved;
            if (!byKey.TryGetValue(want.Key, out var had))
            {
                created.Add(new NewDeficiency(Guid.CreateVersion7(now), stay.EncounterId, stay.PatientId, want,
                    Paused(want.ResponsiblePractitionerId, now, want.DueAt), stay.DischargedAt));
                if (want.Open)
                {
                    open++;
                    openResponsible.Add(want.ResponsiblePractitionerId);
                }

                continue;
            }

            var responsible = had.ResponsiblePractitionerId;
            var due = Paused(responsible, had.CreatedAt, want.DueAt);
            var keepCleared = had.Status == DeficiencyStatuses.Resolved && had.Resolution == Cleared;
            var targetStatus = keepCleared ? DeficiencyStatuses.Resolved : status;
            var resolution = targetStatus == DeficiencyStatuses.Open ? null : keepCleared ? Cleared : had.Status == DeficiencyStatuses.Resolved ? had.Resolution : Satisfied;
            if (targetStatus != had.Status || want.Kind != had.Kind || want.Description != had.Description || due != had.DueAt || want.DocumentId != had.DocumentId)
            {
                var what = targetStatus == had.Status ? "updated" : targetStatus == DeficiencyStatuses.Open ? "reopened" : "resolved";
                changed.Add(new DeficiencyChange(had.Id, had.Version, targetStatus, want.Kind, want.Description, due, want.DocumentId, resolution, what));
            }

            if (targetStatus == DeficiencyStatuses.Open)
            {
                open++;
                openResponsible.Add(responsible);
            }
        }

        var wantedKeys = verdict.Wanted.Select(w => w.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var had in byKey.Values.Where(d => d.Status == DeficiencyStatuses.Open && !wantedKeys.Contains(d.Key)))
        {
            var resolution = verdict.Satisfied.Contains(had.Key) ? Satisfied : NoLongerApplies;
            changed.Add(new DeficiencyChange(had.Id, had.Version, DeficiencyStatuses.Resolved, had.Kind, had.Description, had.DueAt, had.DocumentId, resolution, "resolved"));
        }

        // 42 CFR 482.24(c)(4)(viii) with the bylaws' days; a leave of a physician who owes something pauses the clock
        // (the longest such pause counts: the record waits for the last of them).
        var delinquent = stay.DischargedAt.AddDays(verdict.DelinquentAfterDays);
        if (leavePausesDeadlines)
        {
            var pause = openResponsible.OfType<Guid>().Distinct()
                .Select(p => LeaveDays(leaves, p, dayOf(stay.DischargedAt), dayOf(delinquent)))
                .DefaultIfEmpty(0).Max();
            delinquent = delinquent.AddDays(pause);
        }

        return new StayChanges(stay.EncounterId, open, delinquent, created, changed);
    }

    /// <summary>The days of <paramref name="practitioner"/>'s leave within [<paramref name="from"/>, <paramref name="until"/>] (each day once).</summary>
    public static int LeaveDays(IReadOnlyList<LeavePeriod> leaves, Guid practitioner, DateOnly from, DateOnly until)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var days = new HashSet<DateOnly>();
        foreach (var leave in leaves.Where(l => l.PractitionerId == practitioner && l.From <= until && l.Until >= from))
        {
            for (var day = leave.From > from ? leave.From : from; day <= leave.Until && day <= until; day = day.AddDays(1))
            {
                days.Add(day);
            }
        }

        return days.Count;
    }
}
