using HimPortal.Data.Portal;

namespace HimPortal.Application.Common.Clocks;

/// <summary>Where a request to amend the record stands against its deadline, as the patient's list, HIM's queue and the author's inbox mark it.</summary>
public enum AmendmentDue
{
    /// <summary>Decided: the clock has stopped.</summary>
    Decided,
    OnTime,
    DueSoon,
    Overdue,
}

/// <summary>
/// The clock of a request to amend (45 CFR 164.526(b)(2)): act within 60 days of receipt, or once extend by 30 days with a
/// written notice. The same marks on both sides (the patient's portal, HIM's queue, the author's inbox), so no side sees
/// a different deadline.
/// </summary>
public static class AmendmentClock
{
    /// <summary>Due within this long is marked "due soon": a week leaves HIM time to chase the author.</summary>
    public static readonly TimeSpan DueSoon = TimeSpan.FromDays(7);

    public static bool IsOpen(string status) => status is AmendmentStatuses.Received or AmendmentStatuses.Routed;

    public static AmendmentDue Mark(string status, DateTimeOffset dueAt, DateTimeOffset now) =>
        !IsOpen(status) ? AmendmentDue.Decided
        : dueAt <= now ? AmendmentDue.Overdue
        : dueAt <= now + DueSoon ? AmendmentDue.DueSoon
        : AmendmentDue.OnTime;

    /// <summary>The mark in plain words, for a page.</summary>
    public static string Words(AmendmentDue due) => due switch
    {
        AmendmentDue.Overdue => "overdue",
        AmendmentDue.DueSoon => "due soon",
        AmendmentDue.OnTime => "on time",
        _ => "decided",
    };

    /// <summary>The status in plain words for the patient.</summary>
    public static string StatusWords(string status) => status switch
    {
        AmendmentStatuses.Received => "received: we are looking at it",
        AmendmentStatuses.Routed => "with the author of the item for an answer",
        AmendmentStatuses.Accepted => "accepted: the correction is added to your record",
        AmendmentStatuses.Denied => "denied: see the letter",
        _ => status,
    };
}
