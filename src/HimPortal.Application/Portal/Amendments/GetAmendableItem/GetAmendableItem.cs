using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;

namespace HimPortal.Application.Portal.Amendments.GetAmendableItem;

public sealed record GetAmendableItemQuery(Guid PatientId, string ResourceType, Guid ResourceId);

/// <summary>The item as the patient saw it, and whether a request to amend it is already open (one at a time per item).</summary>
public sealed record AmendableItemView(string ResourceType, Guid ResourceId, string Description, string? Text, bool HasOpenRequest);

/// <summary>
/// The item a patient asks to correct (45 CFR 164.526(a)(1)), shown as they saw it: only one of the person's records'
/// own items that the portal shows them; anything else is "not found" and the attempt audited. The view is audited.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class GetAmendableItemHandler(PermissionCheck permissions, HimDbContext db, PortalAmendments amendments, AccessAudit audit, HospitalTime hospital)
    : Handler<GetAmendableItemQuery, Result<AmendableItemView>>(permissions)
{
    protected override Task<Result<AmendableItemView>> ExecuteAsync(GetAmendableItemQuery query, CancellationToken ct) =>
        db.InTransactionAsync<Result<AmendableItemView>>(async token =>
        {
            var entry = await amendments.OpenAsync(query.PatientId, "amendment-item", query.ResourceType, query.ResourceId, token);
            if (entry is null)
            {
                return Error.NotFound();
            }

            var item = await amendments.ItemAsync(entry, query.ResourceType, query.ResourceId, token);
            if (item is null)
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Denied, query.ResourceType, query.ResourceId.ToString("D"), entry.Patient.Id,
                    Purpose: "no such item the portal shows", Details: "portal.amendment-item; outcome=not-found"), token);
                return Error.NotFound();
            }

            var open = db.AmendmentRequests.Any(a => a.ResourceType == item.ResourceType && a.ResourceId == item.ResourceId
                                                     && (a.Status == Data.Portal.AmendmentStatuses.Received || a.Status == Data.Portal.AmendmentStatuses.Routed));
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, item.ResourceType, item.ResourceId.ToString("D"), item.RecordId,
                Purpose: entry.Access.PurposeOfUse, Details: "portal.amendment-item" + (entry.Proxy is { } p ? $"; proxy={p.GrantId:D}" : "")), token);
            return Result<AmendableItemView>.Success(new AmendableItemView(item.ResourceType, item.ResourceId, item.Description(hospital), item.Text, open));
        }, ct);
}
