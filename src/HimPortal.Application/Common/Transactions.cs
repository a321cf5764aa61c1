using System.Data;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Common;

public static class Transactions
{
    /// <summary>
    /// Runs one command in one READ COMMITTED transaction, inside the execution strategy. The work commits what it did;
    /// an exception rolls everything back, the audit row included. Handlers make no change when they return a failure.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this HimDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(work, async (_, state, token) =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, token);
            var result = await state(token);
            await transaction.CommitAsync(token);
            return result;
        }, null, ct);
    }
}
