using System.Globalization;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.SplitDocument;

/// <param name="Ranges">Page ranges of the document, in order, covering every page once: "1-2, 3, 4-6".</param>
public sealed record SplitDocumentCommand(Guid DocumentId, uint Version, string? Ranges);

/// <summary>The documents the split left: the first is the original, keeping the first range.</summary>
public sealed record SplitResult(IReadOnlyList<Guid> DocumentIds);

public sealed class SplitDocumentValidator : AbstractValidator<SplitDocumentCommand>
{
    public SplitDocumentValidator()
    {
        RuleFor(c => c.DocumentId).NotEmpty();
        RuleFor(c => c.Ranges).NotEmpty().WithMessage("Enter the page ranges to split into, for example 1-2, 3-5.").MaximumLength(400)
            .Must(r => PageRanges.TryParse(r, out _)).WithMessage("Write page ranges as 1-2, 3, 4-6.");
    }
}

/// <summary>Reads "1-2, 3, 4-6" into 1-based inclusive ranges.</summary>
public static class PageRanges
{
    public static bool TryParse(string? text, out List<(int First, int Last)> ranges)
    {
        ranges = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = dash < 0 ? part : part[..dash].Trim();
            var last = dash < 0 ? part : part[(dash + 1)..].Trim();
            if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var a)
                || !int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var b) || a < 1 || b < a)
            {
                return false;
            }

            ranges.Add((a, b));
        }

        return ranges.Count > 0;
    }
}

/// <summary>
/// Splits one document into several by page ranges: the ranges must cover the document's pages once, in order (so no
/// page is lost or doubled); the first range stays in this document, each further one becomes a new unindexed document of
/// the same file, keeping its place in the queue. One transaction, a filing-history row per document, one audit row.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class SplitDocumentHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<SplitDocumentCommand> validator,
    TimeProvider clock) : Handler<SplitDocumentCommand, Result<SplitResult>>(permissions)
{
    protected override async Task<Result<SplitResult>> ExecuteAsync(SplitDocumentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        if (!PageRanges.TryParse(command.Ranges, out var ranges))
        {
            return Error.Invalid("Write page ranges as 1-2, 3, 4-6.", nameof(command.Ranges));
        }

        try
        {
            return await db.InTransactionAsync<Result<SplitResult>>(async token =>
            {
                var opened = await Indexing.OpenWaitingAsync(db, command.DocumentId, command.Version, token);
                if (!opened.IsSuccess)
                {
                    return opened.Error!;
                }

                var document = opened.Value!;
                var pages = await Indexing.PagesAsync(db, document.Id, token);
                var expected = 1;
                foreach (var (first, last) in ranges)
                {
                    if (first != expected)
                    {
                        break;
                    }

                    expected = last + 1;
                }

                if (expected != pages.Count + 1 || ranges[^1].Last != pages.Count)
                {
                    return Error.Invalid($"The ranges must cover pages 1 to {pages.Count} once each, in order.", nameof(command.Ranges));
                }

                if (ranges.Count < 2)
                {
                    return Error.Invalid("Give two or more ranges to split into.", nameof(command.Ranges));
                }

                var now = clock.GetUtcNow();
                var userId = actors.Current.UserId;
                var layout = new Dictionary<Guid, List<ScannedDocumentPage>>();
                var ids = new List<Guid>();
                foreach (var (first, last) in ranges)
                {
                    var part = pages.Skip(first - 1).Take(last - first + 1).ToList();
                    var target = ids.Count == 0 ? document : Indexing.CutFrom(document, document.Status, part.Count, document.Reason, now);
                    if (ids.Count == 0)
                    {
                        document.PageCount = part.Count;
                    }
                    else
                    {
                        db.Add(target);
                    }

                    layout[target.Id] = part;
                    ids.Add(target.Id);
                }

                await db.SaveChangesAsync(token);
                await Indexing.LayOutAsync(db, layout, token);
                var reason = $"split {command.Ranges!.Trim()} from {document.Id:D}";
                foreach (var id in ids)
                {
                    db.Add(Indexing.Filing(id == document.Id ? document : db.Set<ScannedDocument>().Local.Single(d => d.Id == id), FilingKinds.Split, userId, now, reason));
                }

                await db.SaveChangesAsync(token);
                await audit.RecordAsync(Indexing.Changed(document, $"split into {ids.Count}: {string.Join(',', ids.Select(i => i.ToString("D")))}"), token);
                return Result<SplitResult>.Success(new SplitResult(ids));
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return IndexingErrors.Stale;
        }
    }
}
