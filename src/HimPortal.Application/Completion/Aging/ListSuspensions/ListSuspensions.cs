using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Aging.ListSuspensions;

/// <param name="InForceOnly">Only the suspensions in force; otherwise the whole history.</param>
public sealed record ListSuspensionsQuery(bool InForceOnly = false, string? After = null, int PageSize = 50);

public sealed record SuspensionItem(Guid Id, Guid PractitionerId, string Physician, string? Npi, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    int DelinquentRecordsAtStart, string Reason);

public sealed record SuspensionList(IReadOnlyList<SuspensionItem> Items, string? NextAfter, int InForce);

/// <summary>
/// The suspension list (issue 18 item 4; 42 CFR 482.22(c)(5), the bylaws): physicians suspended for delinquent records,
/// newest start first, keyset paged, with the start and end of each and the delinquent records at its start. Staff data,
/// no patient's: the read is audited as a search of the list.
/// </summary>
[RequiresPermission(Permissions.CompletionManage)]
public sealed class ListSuspensionsHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit)
    : Handler<ListSuspensionsQuery, Result<SuspensionList>>(permissions)
{
    protected override async Task<Result<SuspensionList>> ExecuteAsync(ListSuspensionsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (KeysetCursor.Read(query.After, "open the suspension list again", out var after) is { } badLink)
        {
            return badLink;
        }

        var size = Math.Clamp(query.PageSize, 1, 200);
        var rows = db.Suspensions.AsNoTracking();
        if (query.InForceOnly)
        {
            rows = rows.Where(s => s.EndedAt == null);
        }

        if (after is { } c)
        {
            rows = rows.Where(s => EF.Functions.LessThan(ValueTuple.Create(s.StartedAt, s.Id), ValueTuple.Create(c.At, c.Id)));
        }

        return await db.InTransactionAsync<Result<SuspensionList>>(async token =>
        {
            var page = await rows.OrderByDescending(s => s.StartedAt).ThenByDescending(s => s.Id).Take(size + 1)
                .Select(s => new
                {
                    s,
                    Who = db.Set<Practitioner>().Where(p => p.Id == s.PractitionerId).Select(p => new { p.GivenNames, p.FamilyName, p.Npi }).FirstOrDefault(),
                })
                .ToListAsync(token);
            var inForce = await db.Suspensions.CountAsync(s => s.EndedAt == null, token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "Suspension",
                Details: $"completion.suspensions; {(query.InForceOnly ? "in force" : "all")}; {Math.Min(page.Count, size)} shown"), token);
            var items = page.Take(size).Select(x => new SuspensionItem(x.s.Id, x.s.PractitionerId,
                x.Who is null ? "(unknown practitioner)" : $"{x.Who.GivenNames} {x.Who.FamilyName}".Trim(), x.Who?.Npi,
                x.s.StartedAt, x.s.EndedAt, x.s.DelinquentRecordsAtStart, x.s.Reason)).ToList();
            var next = page.Count > size ? new KeysetCursor(items[^1].StartedAt, items[^1].Id).ToString() : null;
            return Result<SuspensionList>.Success(new SuspensionList(items, next, inForce));
        }, ct);
    }
}
