using HimPortal.Application.Common;
using HimPortal.Application.Audit;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets;

/// <summary>The packet's expected failures, one line each.</summary>
public static class PacketErrors
{
    public static readonly Error NotFound = Error.NotFound("There is no such release request or item.");

    public static readonly Error Closed = Error.Conflict("The request is closed: its packet no longer changes.");

    public static readonly Error Released = Error.Conflict("A packet of this request has been released: what went out never changes (re-send it instead).");

    public static readonly Error Stale = Error.Conflict("Someone changed this packet or request meanwhile. Reload and try again.");

    /// <summary>Whether a packet of the request has been released: from then on nothing of its packet changes.</summary>
    public static Task<bool> ReleasedAsync(HimDbContext db, Guid requestId, CancellationToken ct) =>
        db.Packets.AnyAsync(p => p.RequestId == requestId && p.Status == PacketStatuses.Released, ct);

    /// <summary>What decides coverage for a request: its authorization (if any) and the hospital's extra restricted labels.</summary>
    public static async Task<(Authorization? Authorization, string[] ExtraRestricted)> CoverageAsync(HimDbContext db, ReleaseRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.AuthorizationId is { } id ? await db.Authorizations.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) : null;
        var extra = await db.RoiSettings.AsNoTracking().Select(s => s.ExtraRestrictedLabels).SingleAsync(ct);
        return (authorization, extra);
    }

    /// <summary>The audit row every packet handler writes: the request as the resource (the evidence pack selects these).</summary>
    public static AuditRecord Audit(string action, ReleaseRequest request, string details, string outcome = AuditOutcome.Success) =>
        new(action, outcome, "ReleaseRequest", request.Id.ToString("D"), request.PatientId, Purpose: "HOPERAT", Details: $"{request.Display}: {details}");
}
