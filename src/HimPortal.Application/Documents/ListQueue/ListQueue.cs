using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.ListQueue;

/// <param name="Status">Waiting (unindexed) by default; held, and the dispositioned ones for a look back.</param>
/// <param name="From">Received on or after this hospital day.</param>
/// <param name="To">Received on or before this hospital day.</param>
/// <param name="After">The keyset link of the previous page (<see cref="QueuePage.NextAfter"/>).</param>
public sealed record ListQueueQuery(
    ScannedDocumentStatus Status = ScannedDocumentStatus.Unindexed,
    string? Source = null,
    DateOnly? From = null,
    DateOnly? To = null,
    string? After = null,
    int PageSize = 50);

public sealed record QueueItem(Guid Id, string Source, DateTimeOffset ReceivedAt, int PageCount, string? Reason, ScannedDocumentStatus Status, uint Version);

public sealed record QueuePage(IReadOnlyList<QueueItem> Documents, string? NextAfter);

public sealed class ListQueueValidator : AbstractValidator<ListQueueQuery>
{
    public ListQueueValidator()
    {
        RuleFor(q => q.Status).IsInEnum();
        RuleFor(q => q.Source).MaximumLength(64);
        RuleFor(q => q.To).GreaterThanOrEqualTo(q => q.From).When(q => q.From is not null && q.To is not null)
            .WithMessage("The end of the date range is before its start.");
        RuleFor(q => q.After).Must(a => KeysetCursor.TryParse(a, out _)).When(q => q.After is not null)
            .WithMessage("The page link is not valid: open the queue again.");
    }
}

/// <summary>
/// The indexing work queue: documents of one status, oldest first (the longest waiting is worked first), with their
/// source, received time and page count. One query per page, keyset on (received_at, id) over the documents' status
/// indexes: no OFFSET, so the hundredth page costs what the first does. No patient data: nothing to audit.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class ListQueueHandler(PermissionCheck permissions, HimDbContext db, HospitalTime time, IValidator<ListQueueQuery> validator)
    : Handler<ListQueueQuery, Result<QueuePage>>(permissions)
{
    protected override async Task<Result<QueuePage>> ExecuteAsync(ListQueueQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var size = Math.Clamp(query.PageSize, 1, 200);
        var documents = db.Set<ScannedDocument>().AsNoTracking().Where(d => d.Status == query.Status);
        if (!string.IsNullOrWhiteSpace(query.Source))
        {
            var source = query.Source.Trim();
            documents = documents.Where(d => d.Source == source);
        }

        if (query.From is { } from)
        {
            var start = time.StartOf(from);
            documents = documents.Where(d => d.ReceivedAt >= start);
        }

        if (query.To is { } to)
        {
            var end = time.StartOf(to.AddDays(1));
            documents = documents.Where(d => d.ReceivedAt < end);
        }

        if (KeysetCursor.TryParse(query.After, out var after) && query.After is not null)
        {
            documents = documents.Where(d => EF.Functions.GreaterThan(ValueTuple.Create(d.ReceivedAt, d.Id), ValueTuple.Create(after.At, after.Id)));
        }

        var rows = await documents.OrderBy(d => d.ReceivedAt).ThenBy(d => d.Id).Take(size + 1)
            .Select(d => new QueueItem(d.Id, d.Source, d.ReceivedAt, d.PageCount, d.Reason, d.Status, d.Version))
            .ToListAsync(ct);
        var next = rows.Count > size ? new KeysetCursor(rows[size - 1].ReceivedAt, rows[size - 1].Id).ToString() : null;
        return Result<QueuePage>.Success(new QueuePage(rows.Take(size).ToList(), next));
    }
}
