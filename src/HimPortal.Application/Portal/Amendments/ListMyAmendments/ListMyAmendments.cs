using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Clocks;
using HimPortal.Data;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Amendments.ListMyAmendments;

/// <param name="After">The page link of the previous page's last row (<see cref="KeysetCursor"/> over receipt, newest first).</param>
public sealed record ListMyAmendmentsQuery(Guid PatientId, string? After = null, int PageSize = ListMyAmendmentsHandler.DefaultPageSize);

/// <summary>One request as the patient follows it: status and clock in plain words, the letters, what they may do next.</summary>
public sealed record MyAmendmentView(
    Guid Id,
    string Display,
    string ResourceType,
    Guid ResourceId,
    string ItemDescription,
    string RequestedChange,
    string Status,
    string StatusWords,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    DateTimeOffset? ExtendedAt,
    string? ExtensionReason,
    DateTimeOffset? DecidedAt,
    string? DenialExplanation,
    string? DisagreementText,
    string? RebuttalText,
    bool HasDenialLetter,
    bool HasExtensionLetter,
    bool HasRebuttalLetter,
    AmendmentDue Due,
    uint Version)
{
    /// <summary>When the patient asked that the request and the denial go with future disclosures (45 CFR 164.526(d)(5)(ii)).</summary>
    public DateTimeOffset? IncludeWithDisclosuresAt { get; init; }

    /// <summary>After a denial the patient may file one statement of disagreement (45 CFR 164.526(d)(1)(ii)).</summary>
    public bool MayDisagree => Status == AmendmentStatuses.Denied && DisagreementText is null;

    /// <summary>Without a statement, the patient may ask once that the request and the denial go with future disclosures (164.526(d)(1)(iii)).</summary>
    public bool MayInclude => MayDisagree && IncludeWithDisclosuresAt is null;
}

public sealed record MyAmendmentsPage(IReadOnlyList<MyAmendmentView> Rows, string? NextAfter, DateTimeOffset Now);

public sealed class ListMyAmendmentsValidator : AbstractValidator<ListMyAmendmentsQuery>
{
    public ListMyAmendmentsValidator()
    {
        RuleFor(q => q.PageSize).InclusiveBetween(1, 100).WithMessage("A page holds 1 to 100 requests.");
    }
}

/// <summary>
/// The person's requests to amend their record, newest first, keyset paged: each with its clock (due date, extension,
/// decision) marked as HIM and the author see it. Requests on items a representative may not see (care a minor consented
/// to alone, 45 CFR 164.502(g)(3)) are left out for them. One audit row per page.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class ListMyAmendmentsHandler(
    PermissionCheck permissions,
    HimDbContext db,
    PortalAmendments amendments,
    SensitivityReader sensitivity,
    AccessAudit audit,
    TimeProvider clock,
    IValidator<ListMyAmendmentsQuery> validator) : Handler<ListMyAmendmentsQuery, Result<MyAmendmentsPage>>(permissions)
{
    public const int DefaultPageSize = 20;

    protected override async Task<Result<MyAmendmentsPage>> ExecuteAsync(ListMyAmendmentsQuery query, CancellationToken ct)
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
        return await db.InTransactionAsync<Result<MyAmendmentsPage>>(async token =>
        {
            var entry = await amendments.OpenAsync(query.PatientId, "amendments", null, null, token);
            if (entry is null)
            {
                return Error.NotFound();
            }

            var records = entry.Patient.RecordIds;
            var rows = db.AmendmentRequests.AsNoTracking().Where(a => records.Contains(a.PatientId));
            if (cursor is { } after)
            {
                rows = rows.Where(a => EF.Functions.LessThan(ValueTuple.Create(a.ReceivedAt, a.Id), ValueTuple.Create(after.At, after.Id)));
            }

            var page = await rows.OrderByDescending(a => a.ReceivedAt).ThenByDescending(a => a.Id).Take(query.PageSize + 1).ToListAsync(token);
            var next = page.Count > query.PageSize ? new KeysetCursor(page[query.PageSize - 1].ReceivedAt, page[query.PageSize - 1].Id).ToString() : null;
            page = [.. page.Take(query.PageSize)];
            if (entry.Proxy is { HidesMinorConsentedCare: true })
            {
                var hidden = new HashSet<Guid>();
                foreach (var record in records)
                {
                    hidden.UnionWith((await sensitivity.ReadAsync(record, [.. page.Select(a => new ItemRef(a.ResourceType, a.ResourceId))], false, token)).InForce
                        .Where(l => l.LabelCode == PortalAmendments.MinorConsented).Select(l => l.ResourceId));
                }

                page = [.. page.Where(a => !hidden.Contains(a.ResourceId))];
            }

            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "AmendmentRequest", null, entry.Patient.Id,
                Purpose: entry.Access.PurposeOfUse, Details: $"portal.amendments; rows={page.Count}" + (entry.Proxy is { } p ? $"; proxy={p.GrantId:D}" : "")), token);
            return Result<MyAmendmentsPage>.Success(new MyAmendmentsPage([.. page.Select(a => new MyAmendmentView(
                a.Id, a.Display, a.ResourceType, a.ResourceId, a.ItemDescription, a.RequestedChange, a.Status, AmendmentClock.StatusWords(a.Status),
                a.ReceivedAt, a.DueAt, a.ExtendedAt, a.ExtensionReason, a.DecidedAt, a.DenialExplanation, a.DisagreementText, a.RebuttalText,
                a.DenialLetterObjectId is not null, a.ExtensionLetterObjectId is not null, a.RebuttalLetterObjectId is not null,
                AmendmentClock.Mark(a.Status, a.DueAt, now), a.Version) { IncludeWithDisclosuresAt = a.IncludeWithDisclosuresAt })], next, now));
        }, ct);
    }
}
