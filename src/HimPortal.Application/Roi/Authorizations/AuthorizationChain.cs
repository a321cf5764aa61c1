using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Authorizations;

/// <summary>
/// A request's authorizations: the one it relies on now and every one it corrected, newest first (SupersedesId links a
/// corrected authorization to the deficient one it replaced; roi.authorizations has no request column).
/// </summary>
public static class AuthorizationChain
{
    public static async Task<IReadOnlyList<Authorization>> ForRequestAsync(HimDbContext db, ReleaseRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var chain = new List<Authorization>();
        var next = request.AuthorizationId;
        while (next is { } id && chain.Count < 50)
        {
            var authorization = await db.Authorizations.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
            if (authorization is null)
            {
                break;
            }

            chain.Add(authorization);
            next = authorization.SupersedesId;
        }

        return chain;
    }
}
