using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.AccessLog;
using HimPortal.Data;

namespace HimPortal.Application.Compliance.SearchAccessLog;

/// <param name="After">Keyset cursor from the previous page (<see cref="AccessLogPage.NextAfter"/>).</param>
public sealed record SearchAccessLogQuery(AccessLogFilter Filter, string? After = null, int PageSize = 50);

public sealed class SearchAccessLogValidator : AbstractValidator<SearchAccessLogQuery>
{
    public SearchAccessLogValidator()
    {
        RuleFor(q => q.Filter).NotNull().SetValidator(new AccessLogFilterValidator());
        RuleFor(q => q.After).Must(a => KeysetCursor.TryParse(a, out _)).When(q => q.After is not null)
            .WithMessage("The page link is not valid: search again.");
        RuleFor(q => q.PageSize).InclusiveBetween(1, 200);
    }
}

/// <summary>
/// The compliance officer's access-log search (who saw which chart, and why). The search itself is audited, in the
/// transaction that reads: action "search" on the AccessLog, with the filter, naming the patient when the search is
/// about one, so a patient's own access history shows who reviewed it too.
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class SearchAccessLogHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessLogReader reader,
    AccessAudit audit,
    IValidator<SearchAccessLogQuery> validator) : Handler<SearchAccessLogQuery, Result<AccessLogPage>>(permissions)
{
    protected override async Task<Result<AccessLogPage>> ExecuteAsync(SearchAccessLogQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        KeysetCursor? after = KeysetCursor.TryParse(query.After, out var cursor) ? cursor : null;
        return await db.InTransactionAsync(async token =>
        {
            var page = await reader.PageAsync(query.Filter, after, query.PageSize, token);
            // Written last, so the transaction holds its audit lane only for the insert and the commit.
            await audit.RecordAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "AccessLog", PatientId: query.Filter.PatientId,
                Details: query.Filter.Describe() + $"; {page.Rows.Count} shown" + (after is null ? "" : "; next page")), token);
            return Result<AccessLogPage>.Success(page);
        }, ct);
    }
}
