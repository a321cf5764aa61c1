using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets.SelectItems;

public sealed record SelectItemsCommand(Guid RequestId);

public sealed record SelectionOutcome(int Included, int LeftOut);

/// <summary>
/// Builds (or refreshes) the request's packet items from its scope (issue 17 item 5): every candidate of the patient's
/// person, included or left out with the reason: out of scope; a sensitive segment the request does not cover
/// (<see cref="PacketCoverage"/>). Minimum necessary (45 CFR 164.502(b)) defaults to the scope asked; the specialist
/// leaves items out by hand. Re-selection keeps the specialist's decisions, except that a sensitive item no longer
/// covered (an authorization revoked or replaced) is left out whatever was decided.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class SelectItemsHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    SensitivityReader sensitivity,
    HospitalTime hospital) : Handler<SelectItemsCommand, Result<SelectionOutcome>>(permissions)
{
    protected override async Task<Result<SelectionOutcome>> ExecuteAsync(SelectItemsCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await db.InTransactionAsync<Result<SelectionOutcome>>(async token =>
        {
            var request = await db.ReleaseRequests.SingleOrDefaultAsync(r => r.Id == command.RequestId, token);
            if (request is null)
            {
                return PacketErrors.NotFound;
            }

            if (RequestStatuses.Closed.Contains(request.Status))
            {
                return PacketErrors.Closed;
            }

            if (await PacketErrors.ReleasedAsync(db, request.Id, token))
            {
                return PacketErrors.Released;
            }

            var (authorization, extraRestricted) = await PacketErrors.CoverageAsync(db, request, token);
            var candidates = await PacketCandidates.ReadAsync(db, sensitivity, hospital, request.PatientId, token);
            var existing = await db.PacketItems.Where(i => i.RequestId == request.Id).ToDictionaryAsync(i => (i.ResourceType, i.ResourceKey), token);
            var ordinal = 0;
            foreach (var candidate in candidates)
            {
                var key = (candidate.ResourceType, candidate.Id.ToString("D"));
                var withheld = PacketCoverage.Withheld(request, authorization, extraRestricted, candidate.Labels);
                var outOfScope = PacketCandidates.OutOfScope(request, candidate);
                if (!existing.TryGetValue(key, out var item))
                {
                    item = new PacketItem { RequestId = request.Id, ResourceType = key.ResourceType, ResourceKey = key.Item2, Title = candidate.Title };
                    db.PacketItems.Add(item);
                }

                item.Title = Truncate(candidate.Title, 400);
                item.ItemDate = candidate.Date;
                item.LabelCodes = [.. candidate.Labels];
                item.Ordinal = ++ordinal;
                if (item.DecidedByUserId is null)
                {
                    // Out of scope first: what was not asked for is not part of the release, sensitive or not.
                    item.Included = outOfScope is null && withheld is null;
                    item.ExclusionReason = outOfScope ?? withheld;
                }
                else if (withheld is not null && item.Included)
                {
                    item.Included = false;
                    item.ExclusionReason = withheld;
                }
            }

            await db.SaveChangesAsync(token);
            var included = await db.PacketItems.CountAsync(i => i.RequestId == request.Id && i.Included, token);
            var leftOut = await db.PacketItems.CountAsync(i => i.RequestId == request.Id && !i.Included, token);
            await audit.RecordAsync(PacketErrors.Audit(AuditAction.Update, request, $"packet items selected: {included} included, {leftOut} left out"), token);
            return Result<SelectionOutcome>.Success(new SelectionOutcome(included, leftOut));
        }, ct);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
