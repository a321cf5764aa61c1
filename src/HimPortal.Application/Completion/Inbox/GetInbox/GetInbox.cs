using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using FluentValidation;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Inbox.GetInbox;

/// <param name="After">The page link of the previous page's last row (<see cref="KeysetCursor"/> over discharge time and id).</param>
public sealed record GetInboxQuery(string? After = null, int PageSize = GetInboxHandler.DefaultPageSize);

/// <summary>One open deficiency of the physician's, with what the inbox marks it by.</summary>
public sealed record InboxRow(
    Guid DeficiencyId,
    Guid PatientId,
    string PatientName,
    string? Mrn,
    Guid EncounterId,
    DateTimeOffset? AdmittedAt,
    DateTimeOffset DischargedAt,
    string Kind,
    string? RuleName,
    string Description,
    Guid? DocumentId,
    string? DocumentTitle,
    Guid? OrderId,
    DateTimeOffset DueAt,
    DateTimeOffset? DelinquentAt,
    bool DueSoon,
    bool Overdue,
    bool Delinquent)
{
    /// <summary>What the physician does about it: sign an entry that exists, or write the document that does not.</summary>
    public bool Signs => Kind is DeficiencyKinds.Signature or DeficiencyKinds.OrderAuthentication;

    public bool Writes => Kind is DeficiencyKinds.MissingDocument or DeficiencyKinds.MissingUpdateNote;
}

/// <param name="Linked">False when the account names no practitioner (no NPI link): the inbox cannot be found.</param>
public sealed record InboxPage(bool Linked, IReadOnlyList<InboxRow> Rows, string? NextAfter, DateTimeOffset Now);

public sealed class GetInboxValidator : AbstractValidator<GetInboxQuery>
{
    public GetInboxValidator()
    {
        RuleFor(q => q.PageSize).InclusiveBetween(1, GetInboxHandler.MaxPageSize).WithMessage($"A page holds 1 to {GetInboxHandler.MaxPageSize} rows.");
    }
}

/// <summary>
/// The physician's chart-completion inbox (42 CFR 482.24(c)(4)(viii): records completed within 30 days of discharge):
/// their open deficiencies, oldest discharge first, keyset paged over ix_deficiencies_inbox (responsible practitioner,
/// discharged_at, id): the account's practitioners, then one SQL statement for the page whatever its depth. Marks: due soon (within <see cref="DueSoon"/>),
/// overdue (due date passed), delinquent (the stay's record passed its delinquency date). One audit row per page.
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class GetInboxHandler(
    PermissionCheck permissions,
    HimDbContext db,
    InboxSigning signing,
    AccessAudit audit,
    TimeProvider clock,
    IValidator<GetInboxQuery> validator) : Handler<GetInboxQuery, Result<InboxPage>>(permissions)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;

    /// <summary>Due within this long is marked "due soon".</summary>
    public static readonly TimeSpan DueSoon = TimeSpan.FromDays(2);

    protected override async Task<Result<InboxPage>> ExecuteAsync(GetInboxQuery query, CancellationToken ct)
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
        var soon = now + DueSoon;
        return await db.InTransactionAsync<Result<InboxPage>>(async token =>
        {
            var userId = signing.UserId;
            // The physician's practitioner keys first (one small query), then the page as "= ANY(keys)": PostgreSQL walks
            // ix_deficiencies_inbox in (discharged_at, id) order for them. A sub-query in the page's statement let it sort
            // or scan the open deficiencies of every physician instead (measured: docs/benchmarks/completion.md).
            Guid?[] practitioners = [.. await signing.Practitioners().Select(p => (Guid?)p).ToListAsync(token)];
            if (practitioners.Length == 0 && !await db.Users.AnyAsync(u => u.Id == userId && u.PractitionerNpi != null, token))
            {
                return Result<InboxPage>.Success(new InboxPage(false, [], null, now));
            }

            var open = db.Deficiencies.AsNoTracking()
                .Where(d => d.Status == DeficiencyStatuses.Open && practitioners.Contains(d.ResponsiblePractitionerId));
            if (cursor is { } after)
            {
                // A row comparison, so PostgreSQL walks the index from the link on.
                open = open.Where(d => EF.Functions.GreaterThan(ValueTuple.Create(d.DischargedAt, d.Id), ValueTuple.Create(after.At, after.Id)));
            }

            var rows = await open
                .OrderBy(d => d.DischargedAt).ThenBy(d => d.Id)
                .Take(query.PageSize + 1)
                .Select(d => new
                {
                    d.Id,
                    d.PatientId,
                    Patient = db.Set<Patient>().Where(p => p.Id == d.PatientId).Select(p => new { p.GivenNames, p.FamilyName, p.Mrn }).FirstOrDefault(),
                    d.EncounterId,
                    Stay = db.Stays.Where(s => s.EncounterId == d.EncounterId).Select(s => new { s.AdmittedAt, DelinquentAt = (DateTimeOffset?)s.DelinquentAt }).FirstOrDefault(),
                    d.DischargedAt,
                    d.Kind,
                    Rule = db.CompletionRules.Where(r => r.Id == d.RuleId).Select(r => r.Name).FirstOrDefault(),
                    d.Description,
                    d.DocumentId,
                    Document = db.Set<ClinicalNote>().Where(n => n.Id == d.DocumentId).Select(n => n.TypeDisplay).FirstOrDefault(),
                    d.OrderId,
                    d.DueAt,
                })
                .ToListAsync(token);
            var page = rows.Take(query.PageSize).Select(r => new InboxRow(
                r.Id, r.PatientId, Name(r.Patient?.GivenNames, r.Patient?.FamilyName), r.Patient?.Mrn, r.EncounterId, r.Stay?.AdmittedAt, r.DischargedAt,
                r.Kind, r.Rule, r.Description, r.DocumentId, r.Document, r.OrderId, r.DueAt, r.Stay?.DelinquentAt,
                DueSoon: r.DueAt > now && r.DueAt <= soon, Overdue: r.DueAt <= now, Delinquent: r.Stay?.DelinquentAt is { } d && d <= now)).ToList();
            var next = rows.Count > query.PageSize ? new KeysetCursor(page[^1].DischargedAt, page[^1].DeficiencyId).ToString() : null;
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "DeficiencyInbox",
                Purpose: "completion.inbox", Details: $"rows={page.Count}; page={(cursor is null ? "first" : "next")}"), token);
            return Result<InboxPage>.Success(new InboxPage(true, page, next, now));
        }, ct);
    }

    internal static string Name(string? given, string? family) =>
        string.Join(' ', new[] { given, family }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } name ? name : "(no name)";
}
