using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.Delivery.GetDelivery;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Portal.ListMyCopies;

public sealed record ListMyCopiesQuery(Guid PatientId, string? After = null, int PageSize = 20) : IPatientRequest;

/// <summary>One request as the patient follows it.</summary>
/// <param name="Status">Where it is, in plain words (<see cref="PortalCopies.StatusWords"/>).</param>
/// <param name="DownloadUntil">When the copy can be downloaded in the portal: until this instant (ROI's link terms); null when it cannot.</param>
/// <param name="DownloadsLeft">How many more downloads the copy allows.</param>
/// <param name="Recipient">A copy sent elsewhere: to whom.</param>
public sealed record MyCopy(
    Guid Id,
    string Number,
    DateTimeOffset ReceivedAt,
    DateOnly? DueDay,
    string? DueRule,
    string Format,
    string What,
    string Status,
    string? StatusReason,
    DateTimeOffset? DownloadUntil,
    int DownloadsLeft,
    string? Recipient);

public sealed record MyCopies(IReadOnlyList<MyCopy> Items, string? Next);

/// <summary>
/// The person's copy requests (their own, a representative's and those sent at their direction), newest first and keyset
/// paged, with the status in plain words and the due date of the right of access (45 CFR 164.524(b)(2)). Requests under any
/// record of the person count; other patients' never do: the gate opens the person first. Audited as a view.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class ListMyCopiesHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate, AccessAudit audit, TimeProvider time)
    : Handler<ListMyCopiesQuery, Result<MyCopies>>(permissions)
{
    protected override async Task<Result<MyCopies>> ExecuteAsync(ListMyCopiesQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (KeysetCursor.Read(query.After, "open your copies again", out var after) is { } badLink)
        {
            return badLink;
        }

        var size = Math.Clamp(query.PageSize, 1, 100);
        return await db.InTransactionAsync<Result<MyCopies>>(async token =>
        {
            var entry = await PortalDoor.OpenAsync(gate, audit, query.PatientId, AuditAction.View, RoiAudit.ResourceType, null, "copies", token);
            if (entry is null)
            {
                return Error.NotFound("There is no such record.");
            }

            var records = entry.Patient.RecordIds;
            var requests = db.ReleaseRequests.AsNoTracking()
                .Where(r => records.Contains(r.PatientId) && PortalCopies.RequesterTypes.Contains(r.RequesterType));
            if (after is { } cursor)
            {
                requests = requests.Where(r => r.CreatedAt < cursor.At || (r.CreatedAt == cursor.At && r.Id.CompareTo(cursor.Id) < 0));
            }

            var now = time.GetUtcNow();
            var rows = await requests.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(size + 1)
                .Select(r => new
                {
                    Request = r,
                    Link = db.DownloadLinks.Where(l => l.RequestId == r.Id).OrderByDescending(l => l.CreatedAt).FirstOrDefault(),
                    Released = db.Packets.Any(p => p.RequestId == r.Id && p.Status == PacketStatuses.Released),
                })
                .ToListAsync(token);
            var items = rows.Take(size).Select(row =>
            {
                var r = row.Request;
                var own = r.RequesterType != RequesterTypes.PatientDirected;
                var open = own && row.Released && row.Link is { } link && GetDeliveryHandler.StateOf(link, now) == "active";
                return new MyCopy(r.Id, r.Display, r.ReceivedAt, r.DueDay, r.ClockCitation, PortalCopies.FormatWords(r.Format), What(r),
                    PortalCopies.StatusWords(r, open), r.Status == RequestStatuses.Denied ? r.StatusReason : null,
                    open ? row.Link!.ExpiresAt : null, open ? row.Link!.MaxDownloads - row.Link.Downloads : 0,
                    own ? null : r.RequesterName);
            }).ToList();
            var next = rows.Count > size ? new KeysetCursor(rows[size - 1].Request.CreatedAt, rows[size - 1].Request.Id).ToString() : null;
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, RoiAudit.ResourceType, null, entry.Patient.Id,
                Purpose: "PATRQT", Details: $"portal.copies; {items.Count} request(s) shown; {PortalDoor.Reader(entry)}"), token);
            return Result<MyCopies>.Success(new MyCopies(items, next));
        }, ct);
    }

    private static string What(ReleaseRequest r)
    {
        if (r.ScopeKind != ScopeKinds.Specific)
        {
            return "Everything in your record (psychotherapy notes are never included)";
        }

        var kinds = PortalCopies.Kinds.Where(k => k.Sections.Any(r.ScopeSections.Contains)).Select(k => k.Words.ToLowerInvariant()).ToList();
        var what = kinds.Count > 0 ? string.Join(", ", kinds) : "all kinds of records";
        var from = r.ScopeFrom is { } f ? $" from {f:d MMMM yyyy}" : "";
        var to = r.ScopeTo is { } t ? $" to {t:d MMMM yyyy}" : "";
        return char.ToUpperInvariant(what[0]) + what[1..] + from + to;
    }
}
