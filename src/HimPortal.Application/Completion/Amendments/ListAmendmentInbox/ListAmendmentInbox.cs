using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Completion.Amendments.ListAmendmentQueue;
using HimPortal.Data;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Amendments.ListAmendmentInbox;

/// <param name="After">The page link of the previous page's last row (<see cref="KeysetCursor"/> over due date and id).</param>
public sealed record ListAmendmentInboxQuery(string? After = null, int PageSize = ListAmendmentInboxHandler.DefaultPageSize);

public sealed record AmendmentInboxPage(IReadOnlyList<AmendmentRow> Rows, string? NextAfter, DateTimeOffset Now);

public sealed class ListAmendmentInboxValidator : AbstractValidator<ListAmendmentInboxQuery>
{
    public ListAmendmentInboxValidator()
    {
        RuleFor(q => q.PageSize).InclusiveBetween(1, 100).WithMessage("A page holds 1 to 100 requests.");
    }
}

/// <summary>
/// "Requests to amend your documentation" in the physician's inbox: the requests routed to their practitioner records,
/// soonest due first, keyset paged over ix_amendments_open (author, due_at, id); no one else's. One audit row per page.
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class ListAmendmentInboxHandler(PermissionCheck permissions, HimDbContext db, AmendmentDesk desk, AccessAudit audit, TimeProvider clock,
    IValidator<ListAmendmentInboxQuery> validator) : Handler<ListAmendmentInboxQuery, Result<AmendmentInboxPage>>(permissions)
{
    public const int DefaultPageSize = 25;

    protected override async Task<Result<AmendmentInboxPage>> ExecuteAsync(ListAmendmentInboxQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        if (KeysetCursor.Read(query.After, "start again from the first page", out var cursor) is { } damaged)
        {
            return damaged;
        }

        var now = clock.GetUtcNow();
        return await db.InTransactionAsync<Result<AmendmentInboxPage>>(async token =>
        {
            Guid?[] mine = [.. await MyPractitioners.Of(db, desk.UserId ?? Guid.Empty).Select(p => (Guid?)p).ToListAsync(token)];
            var open = db.AmendmentRequests.AsNoTracking().Where(a => a.Status == AmendmentStatuses.Routed && mine.Contains(a.AuthorPractitionerId));
            if (cursor is { } after)
            {
                open = open.Where(a => EF.Functions.GreaterThan(ValueTuple.Create(a.DueAt, a.Id), ValueTuple.Create(after.At, after.Id)));
            }

            var rows = mine.Length == 0 ? [] : await AmendmentRows.PageAsync(db, open.OrderBy(a => a.DueAt).ThenBy(a => a.Id), query.PageSize + 1, now, token);
            var next = rows.Count > query.PageSize ? new KeysetCursor(rows[query.PageSize - 1].DueAt, rows[query.PageSize - 1].Id).ToString() : null;
            var page = rows.Take(query.PageSize).ToList();
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "AmendmentInbox",
                Purpose: "completion.amendment-inbox", Details: $"rows={page.Count}; page={(cursor is null ? "first" : "next")}"), token);
            return Result<AmendmentInboxPage>.Success(new AmendmentInboxPage(page, next, now));
        }, ct);
    }
}
