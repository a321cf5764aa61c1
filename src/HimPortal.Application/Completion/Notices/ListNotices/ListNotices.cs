using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Notices.ListNotices;

/// <param name="After">The page link of the read notices (newest first).</param>
public sealed record ListNoticesQuery(string? After = null, int PageSize = 50);

/// <param name="About">For an escalation, the physician it is about; otherwise null.</param>
public sealed record NoticeItem(Guid Id, string Kind, string Subject, DateTimeOffset SentAt, DateTimeOffset? ReadAt, int Deficiencies, bool HasLetter,
    int? LetterPages, string? About);

/// <param name="Unread">Every unread notice, newest first (at most 200).</param>
/// <param name="Read">A page of the read ones, newest first.</param>
public sealed record NoticeList(IReadOnlyList<NoticeItem> Unread, IReadOnlyList<NoticeItem> Read, string? NextAfter, bool LinkedToPractitioner);

/// <summary>
/// The physician's chart-completion notices (issue 18 item 4): reminders, delinquent notices, escalations (to a chief)
/// and suspensions sent to their Practitioner records; unread first. Subjects and counts only, no patient data (the
/// letter names the records, and downloading it is audited).
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class ListNoticesHandler(PermissionCheck permissions, HimDbContext db, IAuditActorAccessor actors)
    : Handler<ListNoticesQuery, Result<NoticeList>>(permissions)
{
    protected override async Task<Result<NoticeList>> ExecuteAsync(ListNoticesQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (KeysetCursor.Read(query.After, "open the notices again", out var after) is { } badLink)
        {
            return badLink;
        }

        var size = Math.Clamp(query.PageSize, 1, 200);
        var mine = MyPractitioners.Of(db, actors.Current.UserId ?? Guid.Empty);
        var linked = await mine.AnyAsync(ct);
        var notices = db.CompletionNotices.AsNoTracking().Where(n => mine.Contains(n.PractitionerId));
        var unread = await Project(notices.Where(n => n.ReadAt == null).OrderByDescending(n => n.SentAt).ThenByDescending(n => n.Id).Take(200)).ToListAsync(ct);
        var read = notices.Where(n => n.ReadAt != null);
        if (after is { } c)
        {
            read = read.Where(n => EF.Functions.LessThan(ValueTuple.Create(n.SentAt, n.Id), ValueTuple.Create(c.At, c.Id)));
        }

        var page = await Project(read.OrderByDescending(n => n.SentAt).ThenByDescending(n => n.Id).Take(size + 1)).ToListAsync(ct);
        var next = page.Count > size ? new KeysetCursor(page[size - 1].SentAt, page[size - 1].Id).ToString() : null;
        return Result<NoticeList>.Success(new NoticeList(unread, [.. page.Take(size)], next, linked));
    }

    private IQueryable<NoticeItem> Project(IQueryable<CompletionNotice> notices) =>
        notices.Select(n => new NoticeItem(n.Id, n.Kind, n.Subject, n.SentAt, n.ReadAt, n.DeficiencyIds.Length, n.LetterObjectId != null, n.LetterPages,
            n.Kind == NoticeKinds.Escalation
                ? db.Set<Practitioner>().Where(p => p.Id == n.AboutPractitionerId).Select(p => (p.GivenNames + " " + p.FamilyName).Trim()).FirstOrDefault()
                : null));
}
