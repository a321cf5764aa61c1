using System.Globalization;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Mpi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Mpi.ListWorklist;

/// <summary>The orders of the worklist.</summary>
public static class WorklistOrders
{
    /// <summary>The pair waiting longest first (found_at, id): the default, so nothing is left to age.</summary>
    public const string Oldest = "oldest";

    /// <summary>The most likely duplicates first (score descending, then id).</summary>
    public const string Score = "score";
}

/// <param name="Status">One of <see cref="PairStatuses.Open"/>, or null for all three.</param>
/// <param name="Source">One of <see cref="PairSources"/>, or null for any.</param>
/// <param name="After">The keyset link of the previous page (<see cref="WorklistPage.NextAfter"/>).</param>
public sealed record ListWorklistQuery(string? Status = null, string? Source = null, string? Order = null, string? After = null, int PageSize = 25);

/// <summary>One side of a pair as the worklist lists it (demographics only).</summary>
public sealed record WorklistRecord(Guid Id, string Name, string? Mrn, DateOnly? BirthDate);

public sealed record WorklistRow(long PairId, WorklistRecord A, WorklistRecord B, double Score, string Status, string Source, string Reason, DateTimeOffset FoundAt);

/// <param name="Open">How many pairs the filters select, on every page.</param>
/// <param name="OldestFoundAt">When the longest-waiting of them was found (its age is the worklist's age).</param>
public sealed record WorklistPage(IReadOnlyList<WorklistRow> Rows, int Open, DateTimeOffset? OldestFoundAt, string? NextAfter);

public sealed class ListWorklistValidator : AbstractValidator<ListWorklistQuery>
{
    private static readonly string[] Sources = [PairSources.Arrival, PairSources.Scan, PairSources.ImportConflict, PairSources.Manual];

    public ListWorklistValidator()
    {
        RuleFor(q => q.Status).Must(s => PairStatuses.Open.Contains(s!)).When(q => !string.IsNullOrEmpty(q.Status))
            .WithMessage("Choose review, research or awaiting-second (or all open pairs).");
        RuleFor(q => q.Source).Must(s => Sources.Contains(s)).When(q => !string.IsNullOrEmpty(q.Source))
            .WithMessage("Choose arrival, scan, import-conflict or manual (or any source).");
        RuleFor(q => q.Order).Must(o => o is WorklistOrders.Oldest or WorklistOrders.Score).When(q => !string.IsNullOrEmpty(q.Order))
            .WithMessage("Order by oldest or by score.");
        RuleFor(q => q).Must(q => WorklistCursor.TryParse(q.After, q.Order ?? WorklistOrders.Oldest, out _)).When(q => q.After is not null)
            .WithName(nameof(ListWorklistQuery.After)).WithMessage("The page link is not valid: open the worklist again.");
    }
}

/// <summary>
/// The duplicate worklist (issue 16 item 3): open pairs with both records' name, MRN and birth date, a page at a time by
/// keyset (never OFFSET, so the thousandth page costs what the first does), in one query that also counts the pairs
/// selected and finds the oldest. One audit row per page (as the patient search: one row with the criteria, never a row
/// per result), naming the pairs and the records it listed, since their names are demographics shown.
/// </summary>
[RequiresPermission(Permissions.MpiReview)]
public sealed class ListWorklistHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IValidator<ListWorklistQuery> validator) : Handler<ListWorklistQuery, Result<WorklistPage>>(permissions)
{
    public const string ResourceType = "DuplicateWorklist";

    protected override async Task<Result<WorklistPage>> ExecuteAsync(ListWorklistQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var size = Math.Clamp(query.PageSize, 1, 100);
        var order = string.IsNullOrEmpty(query.Order) ? WorklistOrders.Oldest : query.Order;
        var statuses = string.IsNullOrEmpty(query.Status) ? PairStatuses.Open.ToArray() : [query.Status];
        var selected = db.CandidatePairs.AsNoTracking().Where(p => statuses.Contains(p.Status));
        if (!string.IsNullOrEmpty(query.Source))
        {
            selected = selected.Where(p => p.Source == query.Source);
        }

        var page = selected;
        WorklistCursor.TryParse(query.After, order, out var after);
        if (order == WorklistOrders.Score)
        {
            if (after is not null)
            {
                page = page.Where(p => EF.Functions.LessThan(ValueTuple.Create(p.Score, p.Id), ValueTuple.Create(after.Score, after.Id)));
            }

            page = page.OrderByDescending(p => p.Score).ThenByDescending(p => p.Id);
        }
        else
        {
            if (after is not null)
            {
                page = page.Where(p => EF.Functions.GreaterThan(ValueTuple.Create(p.FoundAt, p.Id), ValueTuple.Create(after.FoundAt, after.Id)));
            }

            page = page.OrderBy(p => p.FoundAt).ThenBy(p => p.Id);
        }

        var patients = db.Set<Patient>();
        // One statement: the page joined to both records, with the selection's count and oldest as scalar subqueries.
        var rows = await page.Take(size + 1)
            .Join(patients, p => p.RecordA, a => a.Id, (p, a) => new { p, a })
            .Join(patients, x => x.p.RecordB, b => b.Id, (x, b) => new
            {
                x.p.Id, x.p.Score, x.p.Status, x.p.Source, x.p.Reason, x.p.FoundAt,
                A = new { x.a.Id, x.a.GivenNames, x.a.FamilyName, x.a.Mrn, x.a.BirthDate },
                B = new { b.Id, b.GivenNames, b.FamilyName, b.Mrn, b.BirthDate },
                Open = selected.Count(),
                Oldest = selected.Min(s => (DateTimeOffset?)s.FoundAt),
            })
            .ToListAsync(ct);
        rows = order == WorklistOrders.Score
            ? [.. rows.OrderByDescending(r => r.Score).ThenByDescending(r => r.Id)]
            : [.. rows.OrderBy(r => r.FoundAt).ThenBy(r => r.Id)];

        var shown = rows.Take(size).ToList();
        var (open, oldest) = shown.Count > 0
            ? (shown[0].Open, shown[0].Oldest)
            : (await selected.CountAsync(ct), await selected.MinAsync(s => (DateTimeOffset?)s.FoundAt, ct));
        var result = shown.Select(r => new WorklistRow(r.Id,
                new WorklistRecord(r.A.Id, Name(r.A.GivenNames, r.A.FamilyName), r.A.Mrn, r.A.BirthDate),
                new WorklistRecord(r.B.Id, Name(r.B.GivenNames, r.B.FamilyName), r.B.Mrn, r.B.BirthDate),
                r.Score, r.Status, r.Source, r.Reason, r.FoundAt))
            .ToList();
        var next = rows.Count > size ? new WorklistCursor(order, shown[^1].FoundAt, shown[^1].Score, shown[^1].Id).ToString() : null;

        await audit.RecordAloneAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, ResourceType, Purpose: "HOPERAT",
            Details: $"status={query.Status ?? "open"}; source={query.Source ?? "any"}; order={order}" + (query.After is null ? "" : "; next page")
                     + $"; {result.Count} shown; pairs={string.Join(',', result.Select(r => r.PairId))}"
                     + $"; records={string.Join(',', result.SelectMany(r => new[] { r.A.Id, r.B.Id }).Distinct().Select(id => id.ToString("D")))}"), ct);
        return Result<WorklistPage>.Success(new WorklistPage(result, open, oldest, next));
    }

    private static string Name(string? given, string? family) => $"{given} {family}".Trim() is { Length: > 0 } name ? name : "(no name recorded)";
}

/// <summary>The keyset position after a page: the order's key (found-at or score) and the pair id.</summary>
public sealed record WorklistCursor(string Order, DateTimeOffset FoundAt, double Score, long Id)
{
    public override string ToString() => Order == WorklistOrders.Score
        ? "s" + Score.ToString("R", CultureInfo.InvariantCulture) + "_" + Id.ToString(CultureInfo.InvariantCulture)
        : "o" + ((FoundAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10).ToString(CultureInfo.InvariantCulture) + "_" + Id.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? value, string order, out WorklistCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(value) || value.Length > 60)
        {
            return false;
        }

        var bar = value.IndexOf('_', StringComparison.Ordinal);
        if (bar < 2 || !long.TryParse(value.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        var key = value.AsSpan(1, bar - 1);
        if (value[0] == 's' && order == WorklistOrders.Score
            && double.TryParse(key, NumberStyles.Float, CultureInfo.InvariantCulture, out var score) && double.IsFinite(score))
        {
            cursor = new WorklistCursor(order, default, score, id);
            return true;
        }

        if (value[0] == 'o' && order == WorklistOrders.Oldest && long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var micros))
        {
            cursor = new WorklistCursor(order, DateTimeOffset.UnixEpoch.AddTicks(micros * 10), 0, id);
            return true;
        }

        return false;
    }
}
