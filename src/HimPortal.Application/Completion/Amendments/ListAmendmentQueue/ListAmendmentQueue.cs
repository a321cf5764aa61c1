using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Clocks;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Amendments.ListAmendmentQueue;

/// <param name="After">The page link of the previous page's last row (<see cref="KeysetCursor"/> over due date and id).</param>
public sealed record ListAmendmentQueueQuery(string? After = null, int PageSize = ListAmendmentQueueHandler.DefaultPageSize);

/// <summary>One request in HIM's queue, or in the author's inbox: whose, about what, where it stands against its clock.</summary>
public sealed record AmendmentRow(
    Guid Id,
    string Display,
    Guid PatientId,
    string PatientName,
    string? Mrn,
    string ItemDescription,
    string Status,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    bool Extended,
    string? AuthorName,
    AmendmentDue Due,
    bool Disagreement);

/// <param name="Disagreements">Denied requests whose statement of disagreement has no rebuttal yet (HIM may write one, 164.526(d)(3)).</param>
public sealed record AmendmentQueuePage(IReadOnlyList<AmendmentRow> Rows, string? NextAfter, IReadOnlyList<AmendmentRow> Disagreements, DateTimeOffset Now);

public sealed class ListAmendmentQueueValidator : AbstractValidator<ListAmendmentQueueQuery>
{
    public ListAmendmentQueueValidator()
    {
        RuleFor(q => q.PageSize).InclusiveBetween(1, 100).WithMessage("A page holds 1 to 100 requests.");
    }
}

/// <summary>
/// HIM's queue of requests to amend (45 CFR 164.526): the received and open ones, soonest due first, keyset paged over
/// ix_amendments_open's (due_at, id), with due-soon and overdue marks; beside them the statements of disagreement that
/// may call for a rebuttal. One audit row per page.
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class ListAmendmentQueueHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, TimeProvider clock,
    IValidator<ListAmendmentQueueQuery> validator) : Handler<ListAmendmentQueueQuery, Result<AmendmentQueuePage>>(permissions)
{
    public const int DefaultPageSize = 25;

    protected override async Task<Result<AmendmentQueuePage>> ExecuteAsync(ListAmendmentQueueQuery query, CancellationToken ct)
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
        return await db.InTransactionAsync<Result<AmendmentQueuePage>>(async token =>
        {
            var open = db.AmendmentRequests.AsNoTracking().Where(a => a.Status == AmendmentStatuses.Received || a.Status == AmendmentStatuses.Routed);
            if (cursor is { } after)
            {
                open = open.Where(a => EF.Functions.GreaterThan(ValueTuple.Create(a.DueAt, a.Id), ValueTuple.Create(after.At, after.Id)));
            }

            var rows = await AmendmentRows.PageAsync(db, open.OrderBy(a => a.DueAt).ThenBy(a => a.Id), query.PageSize + 1, now, token);
            var next = rows.Count > query.PageSize ? new KeysetCursor(rows[query.PageSize - 1].DueAt, rows[query.PageSize - 1].Id).ToString() : null;
            var disagreements = cursor is null
                ? await AmendmentRows.PageAsync(db, db.AmendmentRequests.AsNoTracking()
                    .Where(a => a.Status == AmendmentStatuses.Denied && a.DisagreementAt != null && a.RebuttalAt == null)
                    .OrderBy(a => a.DisagreementAt).ThenBy(a => a.Id), 50, now, token)
                : [];
            var page = rows.Take(query.PageSize).ToList();
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "AmendmentQueue",
                Purpose: "completion.amendments", Details: $"rows={page.Count}; disagreements={disagreements.Count}; page={(cursor is null ? "first" : "next")}"), token);
            return Result<AmendmentQueuePage>.Success(new AmendmentQueuePage(page, next, disagreements, now));
        }, ct);
    }
}

/// <summary>The rows of HIM's queue and the author's inbox, read the same way.</summary>
public static class AmendmentRows
{
    public static async Task<IReadOnlyList<AmendmentRow>> PageAsync(HimDbContext db, IQueryable<AmendmentRequest> ordered, int take, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await ordered.Take(take).Select(a => new
            {
                a.Id,
                a.Number,
                a.PatientId,
                Patient = db.Set<Patient>().Where(p => p.Id == a.PatientId).Select(p => new { p.GivenNames, p.FamilyName, p.Mrn }).FirstOrDefault(),
                a.ItemDescription,
                a.Status,
                a.ReceivedAt,
                a.DueAt,
                a.ExtendedAt,
                Author = db.Set<Practitioner>().Where(p => p.Id == a.AuthorPractitionerId).Select(p => p.GivenNames + " " + p.FamilyName).FirstOrDefault(),
                a.DisagreementAt,
            })
            .ToListAsync(ct);
        return [.. rows.Select(r => new AmendmentRow(r.Id, $"AMD-{r.Number:D6}", r.PatientId, Inbox.GetInbox.GetInboxHandler.Name(r.Patient?.GivenNames, r.Patient?.FamilyName),
            r.Patient?.Mrn, r.ItemDescription, r.Status, r.ReceivedAt, r.DueAt, r.ExtendedAt is not null, r.Author,
            AmendmentClock.Mark(r.Status, r.DueAt, now), r.DisagreementAt is not null))];
    }
}
