using System.Globalization;
using System.Text;
using FluentValidation;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Patients.Persons;
using HimPortal.Data;
using HimPortal.Data.Audit;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.AccessLog;

/// <summary>
/// What a reviewer narrows the access log to. Days are hospital days (<see cref="HospitalTime"/>), both ends included.
/// </summary>
/// <param name="BreakGlassOnly">Break-the-glass grants and every access made under one (purpose of use ETREAT).</param>
public sealed record AccessLogFilter(
    Guid? PatientId = null,
    Guid? UserId = null,
    DateOnly? From = null,
    DateOnly? To = null,
    string? Action = null,
    string? Outcome = null,
    bool BreakGlassOnly = false)
{
    /// <summary>Without a patient or a user the log is read by time alone, and a month of it is as much as a page can sort.</summary>
    public const int MaxDaysWithoutSubject = 31;

    public bool HasSubject => PatientId is not null || UserId is not null;

    /// <summary>The filter in words, for the audit row of the search or export that used it.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (PatientId is { } patient)
        {
            parts.Add("patient=" + patient.ToString("D"));
        }

        if (UserId is { } user)
        {
            parts.Add("user=" + user.ToString("D"));
        }

        if (From is { } from)
        {
            parts.Add("from=" + from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        if (To is { } to)
        {
            parts.Add("to=" + to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        if (Action is not null)
        {
            parts.Add("action=" + Action);
        }

        if (Outcome is not null)
        {
            parts.Add("outcome=" + Outcome);
        }

        if (BreakGlassOnly)
        {
            parts.Add("break-glass only");
        }

        return parts.Count == 0 ? "no filter" : string.Join("; ", parts);
    }
}

public sealed class AccessLogFilterValidator : AbstractValidator<AccessLogFilter>
{
    public AccessLogFilterValidator()
    {
        RuleFor(f => f.To).GreaterThanOrEqualTo(f => f.From).When(f => f.From is not null && f.To is not null)
            .WithMessage("The end date is before the start date.");
        RuleFor(f => f.Action).Must(a => AuditAction.All.Contains(a)).When(f => f.Action is not null)
            .WithMessage(f => $"'{f.Action}' is not an action of the log. Actions are: {string.Join(", ", AuditAction.All)}.");
        RuleFor(f => f.Outcome).Must(o => AuditOutcome.All.Contains(o)).When(f => f.Outcome is not null)
            .WithMessage(f => $"'{f.Outcome}' is not an outcome of the log. Outcomes are: {string.Join(", ", AuditOutcome.All)}.");
        RuleFor(f => f).Must(f => f.HasSubject || (f.From is { } from && f.To is { } to && to.DayNumber - from.DayNumber < AccessLogFilter.MaxDaysWithoutSubject))
            .WithName("Filter")
            .WithMessage($"Choose a patient or a user, or give both dates of a range of at most {AccessLogFilter.MaxDaysWithoutSubject} days.");
    }
}

/// <summary>One row of the access log as a reviewer reads it: the event, and who the patient is.</summary>
public sealed record AccessLogRow(
    Guid Id,
    DateTimeOffset OccurredAt,
    Guid? UserId,
    string? UserName,
    string[] Roles,
    string Action,
    string Outcome,
    Guid? PatientId,
    string? PatientName,
    string? PatientMrn,
    string? ResourceType,
    string? ResourceId,
    string? Purpose,
    string? Details,
    string? ClientIp,
    string? UserAgent,
    string? CorrelationId,
    short Lane,
    long LaneSeq,
    byte[] Hash)
{
    public bool IsBreakGlass => Action == AuditAction.BreakGlass || Purpose == "ETREAT";
}

public sealed record AccessLogPage(IReadOnlyList<AccessLogRow> Rows, string? NextAfter);

/// <summary>
/// The access log's one query, shared by the search, the two ready views and the export: newest first, keyset on
/// (occurred_at, id). With a patient or a user PostgreSQL reads their index month by month, newest month first, and
/// stops at the page size; rare events (break-the-glass, exports, refusals…) come from the notable-events index.
/// </summary>
public sealed class AccessLogReader(HimDbContext db, HospitalTime hospital)
{
    public async Task<AccessLogPage> PageAsync(AccessLogFilter filter, KeysetCursor? after, int size, CancellationToken ct)
    {
        var query = Filtered(filter, await RecordsAsync(filter, ct));
        if (after is { } cursor)
        {
            query = query.Where(e => EF.Functions.LessThan(ValueTuple.Create(e.OccurredAt, e.Id), ValueTuple.Create(cursor.At, cursor.Id)));
        }

        var rows = await NewestFirst(query).Take(size + 1).Select(ToRow).ToListAsync(ct);
        var shown = rows.Take(size).ToList();
        return new AccessLogPage(shown, rows.Count > size ? new KeysetCursor(shown[^1].OccurredAt, shown[^1].Id).ToString() : null);
    }

    /// <summary>Every matching row up to <paramref name="before"/>, newest first, streamed as PostgreSQL sends them.</summary>
    public async IAsyncEnumerable<AccessLogRow> StreamAsync(AccessLogFilter filter, DateTimeOffset before,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var query = NewestFirst(Filtered(filter, await RecordsAsync(filter, ct)).Where(e => e.OccurredAt < before)).Select(ToRow);
        await foreach (var row in query.AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return row;
        }
    }

    /// <summary>
    /// The records a patient filter covers: every record of the patient's person (ADR 0015), since an audit row names the
    /// record it was written for and a person's accesses are under any of them; the patient alone when unlinked.
    /// </summary>
    private async Task<Guid[]?> RecordsAsync(AccessLogFilter filter, CancellationToken ct) =>
        filter.PatientId is { } patient ? await PersonRecords.OfAsync(db, patient, ct) : null;

    /// <summary>The events with their patient (a left join: most events have none), newest first.</summary>
    private IQueryable<EventAndPatient> NewestFirst(IQueryable<AccessEvent> events) =>
        (from e in events
         join p in db.Set<Patient>() on e.PatientId equals (Guid?)p.Id into patients
         from p in patients.DefaultIfEmpty()
         select new EventAndPatient { Event = e, GivenNames = p.GivenNames, FamilyName = p.FamilyName, Mrn = p.Mrn })
        .OrderByDescending(x => x.Event.OccurredAt).ThenByDescending(x => x.Event.Id);

    private static readonly System.Linq.Expressions.Expression<Func<EventAndPatient, AccessLogRow>> ToRow = x => new AccessLogRow(
        x.Event.Id, x.Event.OccurredAt, x.Event.UserId, x.Event.UserName, x.Event.Roles, x.Event.Action, x.Event.Outcome, x.Event.PatientId,
        x.FamilyName == null && x.GivenNames == null ? null : ((x.GivenNames ?? "") + " " + (x.FamilyName ?? "")).Trim(),
        x.Mrn, x.Event.ResourceType, x.Event.ResourceId, x.Event.Purpose, x.Event.Details, x.Event.ClientIp, x.Event.UserAgent,
        x.Event.CorrelationId, x.Event.Lane, x.Event.LaneSeq, x.Event.Hash);

    private sealed class EventAndPatient
    {
        public required AccessEvent Event { get; init; }

        public string? GivenNames { get; init; }

        public string? FamilyName { get; init; }

        public string? Mrn { get; init; }
    }

    private IQueryable<AccessEvent> Filtered(AccessLogFilter filter, Guid[]? records)
    {
        // A filter that only rare events can match also names the notable-events index's own predicate, as SQL text:
        // the planner can then use that partial index, which it could not prove from a bound parameter.
        var notable = filter.BreakGlassOnly
                      || filter.Action is AuditAction.BreakGlass or AuditAction.Export or AuditAction.Print or AuditAction.Disclose or AuditAction.Admin
                      || filter.Outcome is AuditOutcome.Denied or AuditOutcome.Error;
        var events = notable && !filter.HasSubject
            ? db.AccessEvents.FromSqlRaw("SELECT * FROM audit.access_events WHERE " + AccessEvent.NotableFilter)
            : db.AccessEvents;
        var query = events.AsNoTracking();
        // An unlinked patient keeps the plain equality the patient index is read by month by month; a person's records are
        // few, and PostgreSQL reads the same index once for each.
        if (records is [var patient])
        {
            query = query.Where(e => e.PatientId == patient);
        }
        else if (records is not null)
        {
            query = query.Where(e => e.PatientId != null && records.Contains(e.PatientId.Value));
        }

        if (filter.UserId is { } user)
        {
            query = query.Where(e => e.UserId == user);
        }

        if (filter.From is { } from)
        {
            var start = hospital.StartOf(from);
            query = query.Where(e => e.OccurredAt >= start);
        }

        if (filter.To is { } to)
        {
            var end = hospital.StartOf(to.AddDays(1));
            query = query.Where(e => e.OccurredAt < end);
        }

        if (filter.Action is { } action)
        {
            query = query.Where(e => e.Action == action);
        }

        if (filter.Outcome is { } outcome)
        {
            query = query.Where(e => e.Outcome == outcome);
        }

        if (filter.BreakGlassOnly)
        {
            query = query.Where(e => e.Action == AuditAction.BreakGlass || e.Purpose == "ETREAT");
        }

        return query;
    }

}

/// <summary>The CSV layout of an export: one line per event, then a closing line naming the last row and its hash.</summary>
public static class AccessLogCsv
{
    public const string Header =
        "occurred_at_utc,user_name,user_id,roles,action,outcome,patient_name,patient_mrn,patient_id,resource_type,resource_id," +
        "purpose,details,client_ip,user_agent,correlation_id,event_id,lane,lane_seq,hash";

    public static void AppendRow(StringBuilder line, AccessLogRow row)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(row);
        line.Append(row.OccurredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture)).Append(',');
        Field(line, row.UserName).Append(',');
        line.Append(row.UserId?.ToString("D")).Append(',');
        Field(line, string.Join('|', row.Roles)).Append(',');
        line.Append(row.Action).Append(',').Append(row.Outcome).Append(',');
        Field(line, row.PatientName).Append(',');
        Field(line, row.PatientMrn).Append(',');
        line.Append(row.PatientId?.ToString("D")).Append(',');
        Field(line, row.ResourceType).Append(',');
        Field(line, row.ResourceId).Append(',');
        Field(line, row.Purpose).Append(',');
        Field(line, row.Details).Append(',');
        Field(line, row.ClientIp).Append(',');
        Field(line, row.UserAgent).Append(',');
        Field(line, row.CorrelationId).Append(',');
        line.Append(row.Id.ToString("D")).Append(',');
        line.Append(row.Lane.ToString(CultureInfo.InvariantCulture)).Append(',');
        line.Append(row.LaneSeq.ToString(CultureInfo.InvariantCulture)).Append(',');
        line.Append(Convert.ToHexStringLower(row.Hash));
    }

    /// <summary>
    /// RFC 4180 quoting; a value a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading apostrophe
    /// (OWASP CSV injection): free text in the log, a break-the-glass reason for one, comes from users.
    /// </summary>
    private static StringBuilder Field(StringBuilder line, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return line;
        }

        var risky = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        if (!risky && value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return line.Append(value);
        }

        line.Append('"');
        if (risky)
        {
            line.Append('\'');
        }

        return line.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
