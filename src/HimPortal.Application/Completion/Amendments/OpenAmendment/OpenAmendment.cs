using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Completion.Amendments.GetAmendment;
using HimPortal.Data;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Amendments.OpenAmendment;

public sealed record OpenAmendmentQuery(Guid AmendmentId);

/// <summary>
/// One request routed to the signed-in physician, to answer: the request, the item, the reason. A request routed to
/// anyone else, or answered already, is "not found" to them. Audited as a view of the patient's data.
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class OpenAmendmentHandler(PermissionCheck permissions, HimDbContext db, AmendmentDesk desk, TimeProvider clock)
    : Handler<OpenAmendmentQuery, Result<AmendmentDetail>>(permissions)
{
    protected override Task<Result<AmendmentDetail>> ExecuteAsync(OpenAmendmentQuery query, CancellationToken ct) =>
        db.InTransactionAsync<Result<AmendmentDetail>>(async token =>
        {
            if (!await AuthorAmendments.IsMineAsync(db, desk, query.AmendmentId, token))
            {
                return Error.NotFound("There is no such request in your inbox.");
            }

            var detail = (await AmendmentDetails.LoadAsync(db, query.AmendmentId, clock.GetUtcNow(), token))!;
            await desk.AuditAsync(Audit.AuditAction.View, detail.Request, "completion.amendment-open", token);
            return Result<AmendmentDetail>.Success(detail.View with { Suggestions = [] });
        }, ct);
}

/// <summary>Which requests are the signed-in physician's to answer: routed to one of their practitioner records, still open.</summary>
public static class AuthorAmendments
{
    public static Task<bool> IsMineAsync(HimDbContext db, AmendmentDesk desk, Guid amendmentId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(desk);
        var mine = MyPractitioners.Of(db, desk.UserId ?? Guid.Empty);
        return db.AmendmentRequests.AnyAsync(a => a.Id == amendmentId && a.Status == AmendmentStatuses.Routed && a.AuthorPractitionerId != null
                                                  && mine.Contains(a.AuthorPractitionerId.Value), ct);
    }
}
