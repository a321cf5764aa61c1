using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion;

/// <summary>Chart completion's edits with optimistic concurrency: one transaction whose save, if the row's version (xmin) moved, answers <c>stale</c> and changes nothing.</summary>
internal static class Versioned
{
    public static async Task<Result<T>> InTransactionAsync<T>(HimDbContext db, Error stale, Func<CancellationToken, Task<Result<T>>> work, CancellationToken ct)
    {
        try
        {
            return await db.InTransactionAsync(work, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return stale;
        }
    }
}
