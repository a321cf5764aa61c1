using System.Globalization;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Clocks;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi;

/// <summary>A request's due date and the rule that sets it, as stored on the request and shown beside every date.</summary>
/// <param name="Rule">The rule's code: <see cref="RequestClock.RightOfAccessRule"/>, "StateRule:XX", <see cref="RequestClock.PolicyRule"/> or <see cref="RequestClock.ReturnDateRule"/>.</param>
/// <param name="Citation">The rule in words with its citation.</param>
public sealed record RequestDue(DateOnly DueDay, DateTimeOffset DueAt, string Rule, string Citation);

/// <summary>Where a request's clock stands now: days left (negative once overdue), due soon (within 7 days), overdue.</summary>
public sealed record RequestClockStatus(int DaysLeft, bool DueSoon, bool Overdue);

/// <summary>
/// The legal clock of a release request (issue 17 item 2). The individual's own requests run on the right of access
/// (45 CFR 164.524(b)(2): 30 calendar days after receipt, one 30-day extension with a written notice sent before the first
/// deadline ends), or on the state's shorter deadline where one is configured (a stricter state law is not preempted,
/// 45 CFR 160.203(b)): whichever falls first governs, and its rule is stored with the date. Nothing pauses it: waiting for
/// information does not stop the right-of-access clock. Requests under an authorization or legal process have no HIPAA
/// deadline: the return date, the state's third-party rule or the hospital's policy sets it. Pages, the portal and the
/// worklist ask this class; nobody adds days themselves.
/// </summary>
public sealed class RequestClock(HimDbContext db, RegulatoryClock clock, HospitalTime hospital, TimeProvider time)
{
    public const string RightOfAccessRule = RegulatoryRules.RightOfAccess;
    public const string StateRulePrefix = "StateRule:";
    public const string PolicyRule = "Policy";
    public const string ReturnDateRule = "ReturnDate";

    /// <summary>"Due soon" on the worklist and in the figures: the next 7 days.</summary>
    public const int DueSoonDays = 7;

    /// <summary>The due date for a request's facts, reading the state's rule and the hospital's policy.</summary>
    public async Task<RequestDue> DueAsync(string requesterType, DateTimeOffset receivedAt, string stateCode, DateOnly? returnDate, bool extended, CancellationToken ct)
    {
        var state = await db.StateRules.AsNoTracking().SingleOrDefaultAsync(s => s.StateCode == stateCode && s.Active, ct);
        var policyDays = await db.RoiSettings.AsNoTracking().Select(s => s.PolicyDays).SingleAsync(ct);
        return Due(RequesterRules.For(requesterType), receivedAt, state, policyDays, returnDate, extended);
    }

    /// <summary>Sets the request's due date and rule from its facts (on logging, and whenever the received date, type, state or return date change).</summary>
    public async Task ApplyAsync(ReleaseRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var due = await DueAsync(request.RequesterType, request.ReceivedAt, request.StateCode, request.ReturnDate, request.ExtensionNoticeAt is not null, ct);
        request.DueDay = due.DueDay;
        request.DueAt = due.DueAt;
        request.ClockRule = due.Rule;
        request.ClockCitation = due.Citation;
    }

    /// <summary>The due date from the facts: pure, so every edge is testable without a database.</summary>
    public RequestDue Due(RequesterRule rule, DateTimeOffset receivedAt, StateRule? state, int policyDays, DateOnly? returnDate, bool extended)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var startDay = hospital.DayOf(receivedAt);
        switch (rule.Clock)
        {
            case ClockKind.RightOfAccess:
            {
                var federal = clock.Due(RegulatoryRules.RightOfAccess, receivedAt, extended ? 1 : 0);
                var federalDue = new RequestDue(federal.DueDay, federal.DueAt, RightOfAccessRule,
                    extended
                        ? $"{federal.Citation}: {federal.Rule.Length} days after receipt, extended once by {federal.Rule.ExtensionLength} days with a written notice"
                        : $"{federal.Citation}: {federal.Rule.Length} days after receipt");
                if (state?.IndividualAccessDays is { } days)
                {
                    var stateDue = StateDue(state, startDay, days, state.IndividualAccessBusinessDays, "the individual's own request; shorter than HIPAA's, 45 CFR 160.203(b)");
                    // Whichever falls first governs: the state cannot lengthen HIPAA's deadline, HIPAA does not loosen a stricter state's.
                    if (stateDue.DueAt < federalDue.DueAt)
                    {
                        return stateDue;
                    }
                }

                return federalDue;
            }

            case ClockKind.ReturnDate when returnDate is { } day:
                return new RequestDue(day, hospital.StartOf(day.AddDays(1)), ReturnDateRule,
                    rule.Type == RequesterTypes.Subpoena ? "The return date of the subpoena" : "The return date of the order");

            default:
                if (state?.ThirdPartyDays is { } thirdParty)
                {
                    return StateDue(state, startDay, thirdParty, businessDays: false, "requests under an authorization or the law");
                }

                var policyDay = startDay.AddDays(policyDays);
                return new RequestDue(policyDay, hospital.StartOf(policyDay.AddDays(1)), PolicyRule,
                    string.Create(CultureInfo.InvariantCulture, $"Hospital policy: {policyDays} days after receipt (no HIPAA deadline applies)"));
        }
    }

    private RequestDue StateDue(StateRule state, DateOnly startDay, int days, bool businessDays, string what)
    {
        // As the regulatory clock counts: the day of receipt is not day 1; business days skip weekends, holidays and closures.
        var day = businessDays ? clock.AddBusinessDays(startDay, days) : startDay.AddDays(days);
        var unit = businessDays ? "business days" : "days";
        return new RequestDue(day, hospital.StartOf(day.AddDays(1)), StateRulePrefix + state.StateCode,
            string.Create(CultureInfo.InvariantCulture, $"{state.Citation} ({state.Name}): {days} {unit} after receipt, {what}"));
    }

    /// <summary>The first deadline of the right of access (without the extension): a notice must go out before it ends (164.524(b)(2)(ii)).</summary>
    public ClockDeadline FirstDeadline(DateTimeOffset receivedAt) => clock.Due(RegulatoryRules.RightOfAccess, receivedAt, 0);

    public RequestClockStatus Status(DateOnly dueDay, DateTimeOffset dueAt) => StatusAt(dueDay, dueAt, time.GetUtcNow());

    public RequestClockStatus StatusAt(DateOnly dueDay, DateTimeOffset dueAt, DateTimeOffset now)
    {
        var daysLeft = dueDay.DayNumber - hospital.DayOf(now).DayNumber;
        var overdue = now >= dueAt;
        return new RequestClockStatus(daysLeft, !overdue && daysLeft <= DueSoonDays, overdue);
    }

    /// <summary>Why this request may not be extended now, with the rule; null when it may.</summary>
    public string? ExtensionRefusal(ReleaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (RequestStatuses.Closed.Contains(request.Status))
        {
            return $"The request is {request.Status}.";
        }

        if (RequesterRules.For(request.RequesterType).Clock != ClockKind.RightOfAccess)
        {
            return "Only the individual's own requests have the right-of-access extension (45 CFR 164.524(b)(2)); this request's date is set by "
                   + (request.ClockCitation ?? "its rule") + ".";
        }

        if (request.ExtensionNoticeAt is not null)
        {
            return "The one extension 45 CFR 164.524(b)(2)(iii) allows has already been given.";
        }

        if (request.ClockRule?.StartsWith(RequestClock.StateRulePrefix, StringComparison.Ordinal) == true)
        {
            return $"The state's shorter deadline governs ({request.ClockCitation}); a stricter state law is not preempted (45 CFR 160.203(b)), so HIPAA's extension does not apply.";
        }

        var first = FirstDeadline(request.ReceivedAt);
        if (time.GetUtcNow() >= first.DueAt)
        {
            return $"The first 30 days ended on {first.DueDay:yyyy-MM-dd}: the extension notice must go out before they end (45 CFR 164.524(b)(2)(ii)).";
        }

        return null;
    }
}
