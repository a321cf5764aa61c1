using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Delivery;

/// <summary>
/// Releasing a packet, the same for every way it leaves (a download link, mail, pickup, unencrypted e-mail), in the
/// caller's transaction: the gate and the packet's check are asked again, the packet is marked released (PostgreSQL then
/// refuses any change to its bytes, hash or manifest), the proof is kept (roi.deliveries), the request moves to delivered
/// through the timeline, and the disclosure is recorded with <see cref="DisclosureLedger"/>: every release goes into the
/// patient's disclosure history, accountable exactly when the requester's rule gives an accounting basis (45 CFR
/// 164.528(a)(1) excludes releases to the individual, for treatment and under an authorization).
/// </summary>
public sealed class PacketRelease(HimDbContext db, ReleaseGate gate, RequestTimeline timeline, DisclosureLedger ledger, IAuditActorAccessor actors, TimeProvider time)
{
    /// <summary>The request's current packet: the newest that was not discarded or failed.</summary>
    public static Task<Packet?> CurrentPacketAsync(HimDbContext db, Guid requestId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Packets.Where(p => p.RequestId == requestId && p.Status != PacketStatuses.Discarded && p.Status != PacketStatuses.Failed)
            .OrderByDescending(p => p.QueuedAt).ThenByDescending(p => p.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// The request (tracked, at the version the user saw) and its current packet, ready to release; or why not: no such
    /// request, a stale version, or <see cref="RefusalAsync"/>'s answer.
    /// </summary>
    public async Task<Result<(ReleaseRequest Request, Packet Packet)>> LoadAsync(Guid requestId, uint version, CancellationToken ct)
    {
        var request = await db.ReleaseRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null)
        {
            return Error.NotFound("There is no such request.");
        }

        if (request.Version != version)
        {
            return RoiAudit.Stale;
        }

        var packet = await CurrentPacketAsync(db, request.Id, ct);
        if (await RefusalAsync(request, packet, ct) is { } refusal)
        {
            return refusal;
        }

        db.Entry(request).Property(r => r.Version).OriginalValue = version;
        return Result<(ReleaseRequest, Packet)>.Success((request, packet!));
    }

    /// <summary>Why the request's packet may not leave now, or null: a closed request, a packet not checked, the gate's blockers.</summary>
    public async Task<Error?> RefusalAsync(ReleaseRequest request, Packet? packet, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Status is not (RequestStatuses.Ready or RequestStatuses.Invoiced))
        {
            return Error.Conflict($"Only a ready or invoiced request is delivered; this one is {request.Status}.");
        }

        if (packet is not { Status: PacketStatuses.Checked, ObjectId: not null, Sha256: not null })
        {
            return Error.Conflict("The packet has not been built and checked yet: it cannot leave.");
        }

        var blockers = await gate.BlockersAsync(request, ct);
        return blockers.Count > 0 ? Error.Conflict("The release is blocked: " + string.Join(" ", blockers)) : null;
    }

    /// <summary>Releases <paramref name="packet"/> (after <see cref="RefusalAsync"/> said nothing) and records the proof and the disclosure.</summary>
    public async Task<Disclosure> ReleaseAsync(ReleaseRequest request, Packet packet, string method, string proof, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(packet);
        var now = time.GetUtcNow();
        packet.Status = PacketStatuses.Released;
        packet.ReleasedAt = now;
        db.Deliveries.Add(new Data.Roi.Delivery
        {
            Id = Guid.CreateVersion7(),
            RequestId = request.Id,
            PacketId = packet.Id,
            Method = method,
            At = now,
            Proof = proof,
            RecordedByUserId = actors.Current.UserId,
        });
        if (!timeline.Move(request, RequestStatuses.Delivered, $"Delivered ({method}): {proof}"))
        {
            throw new InvalidOperationException("RefusalAsync allows only ready or invoiced requests.");
        }

        var rule = RequesterRules.For(request.RequesterType);
        return ledger.Add(new DisclosureEntry(
            request.PatientId,
            now,
            RoiAudit.Recipient(request),
            RoiAudit.AddressLines(request.RequesterAddress) is { Count: > 0 } lines ? string.Join(", ", lines) : request.RequesterEmail,
            await DescribeAsync(db, request, packet, ct),
            string.IsNullOrWhiteSpace(request.Purpose) ? rule.Title : request.Purpose!,
            rule.AccountingBasis ?? rule.Citation,
            DisclosureSources.Release,
            Accountable: rule.AccountingBasis is not null,
            RequestId: request.Id));
    }

    /// <summary>
    /// What was disclosed, briefly (164.528(b)(2)(iii)), from the packet's included items: "12 encounters 2019-2024, 4
    /// notes, 1 scanned document (ROI-000123, 57 pages)". No item titles: they may carry clinical values.
    /// </summary>
    public static async Task<string> DescribeAsync(HimDbContext db, ReleaseRequest request, Packet packet, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(packet);
        var items = await db.PacketItems.AsNoTracking().Where(i => i.RequestId == request.Id && i.Included)
            .GroupBy(i => i.ResourceType)
            .Select(g => new { Type = g.Key, Count = g.Count(), First = g.Min(i => i.ItemDate), Last = g.Max(i => i.ItemDate) })
            .ToListAsync(ct);
        var parts = items.OrderBy(i => Order(i.Type)).Select(i =>
        {
            var noun = Noun(i.Type, i.Count);
            var years = i.First is { } first && i.Last is { } last
                ? first.Year == last.Year ? $" {first.Year}" : $" {first.Year}-{last.Year}"
                : "";
            return $"{i.Count} {noun}{years}";
        }).ToList();
        var format = packet.Format switch
        {
            ReleaseFormats.FhirJson => "FHIR JSON",
            ReleaseFormats.Paper => "paper",
            _ => "PDF",
        };
        var pages = packet.PageCount is { } count ? $", {count} pages" : "";
        var what = parts.Count > 0 ? string.Join(", ", parts) : $"Copy of the records asked for ({request.ScopeKind})";
        return $"{what} ({request.Display}, {format}{pages})";
    }

    private static int Order(string type) => type switch
    {
        "Encounter" => 0,
        "DocumentReference" => 1,
        "DiagnosticReport" => 2,
        "ScannedDocument" => 3,
        _ => 4,
    };

    private static string Noun(string type, int count)
    {
        var (one, many) = type switch
        {
            "Encounter" => ("encounter", "encounters"),
            "DocumentReference" => ("note", "notes"),
            "DiagnosticReport" => ("result report", "result reports"),
            "ScannedDocument" => ("scanned document", "scanned documents"),
            "Section" => ("chart section", "chart sections"),
            _ => (type, type + " items"),
        };
        return count == 1 ? one : many;
    }
}
