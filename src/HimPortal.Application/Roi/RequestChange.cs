using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi;

/// <summary>
/// How a use case changes one request: in one transaction, the request loaded, a version other than the one the user saw
/// refused, EF's concurrency check set to that version (a write between the load and the save is refused too), and a
/// concurrent write mapped to the same conflict. The change itself saves and audits in the transaction.
/// </summary>
public static class RequestChange
{
    public const string Stale = "Someone changed this request since you opened it. Reload the page and enter your change again.";

    public static async Task<Result<T>> RunAsync<T>(HimDbContext db, Guid requestId, uint version,
        Func<ReleaseRequest, CancellationToken, Task<Result<T>>> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(change);
        try
        {
            return await db.InTransactionAsync<Result<T>>(async token =>
            {
                var request = await db.ReleaseRequests.SingleOrDefaultAsync(r => r.Id == requestId, token);
                if (request is null)
                {
                    return Error.NotFound();
                }

                if (request.Version != version)
                {
                    return Error.Conflict(Stale);
                }

                db.Entry(request).Property(r => r.Version).OriginalValue = version;
                return await change(request, token);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.Conflict(Stale);
        }
    }
}
