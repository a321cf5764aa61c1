using HimPortal.Application.Roi.Delivery;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Fees;

/// <summary>The pages a fee is counted on: the built packet's, else the specialist's estimate before the build.</summary>
public sealed record FeePages(int Pages, bool Estimated, int? PacketPages);

/// <summary>Reads what <see cref="FeeCalculator"/> needs for a request: the policy, the state's rule, the page count.</summary>
public static class FeeInputs
{
    public static async Task<(FeeCalculation Calculation, FeePages Pages, StateRule? State)> CalculateAsync(HimDbContext db, ReleaseRequest request,
        int? estimatedPages, int? policyFeeCents, string? policyReason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var settings = await db.RoiSettings.AsNoTracking().SingleAsync(ct);
        var state = await db.StateRules.AsNoTracking().SingleOrDefaultAsync(s => s.StateCode == request.StateCode && s.Active, ct);
        var packet = await PacketRelease.CurrentPacketAsync(db, request.Id, ct);
        var packetPages = packet?.PageCount;
        var pages = packetPages is { } built ? new FeePages(built, false, built) : new FeePages(Math.Max(0, estimatedPages ?? 0), true, null);
        var calculation = FeeCalculator.Calculate(new FeeInput(request.RequesterType, request.Format, request.Delivery, pages.Pages,
            request.CertificationRequested, settings, state, policyFeeCents, policyReason));
        return (calculation, pages, state);
    }
}
