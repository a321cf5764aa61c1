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

    public const string ClosedMessage = "The request is closed (delivered, denied or withdrawn).";

    public static Task<Result<T>> RunAsync<T>(HimDbContext db, Guid requestId, uint version,
        Func<ReleaseRequest, CancellationToken, Task<Result<T>>> change, CancellationToken ct) =>
        RunAsync(db, requestId, version, requireOpen: false, change, ct);

    /// <param name="version">The request's version the user saw; null when the change does not edit the request row itself.</param>
    /// <param name="requireOpen">Refuse a delivered, denied or withdrawn request.</param>
    public static async Task<Result<T>> RunAsync<T>(HimDbContext db, Guid requestId, uint? version, bool requireOpen,
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
                    return Error.NotFound("There is no such release request.");
                }

                if (version is { } seen && request.Version != seen)
                {
                    return Error.Conflict(Stale);
                }

                if (requireOpen && RequestStatuses.Closed.Contains(request.Status))
                {
                    return Error.Conflict(ClosedMessage);
                }

                if (version is { } expected)
                {
                    db.Entry(request).Property(r => r.Version).OriginalValue = expected;
                }

                return await change(request, token);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.Conflict(Stale);
        }
    }
}
