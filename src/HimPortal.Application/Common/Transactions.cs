using System.Data;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

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

    /// <summary>An Npgsql batch on the context's connection, in its current transaction: several reads (and an audit row) in one round trip.</summary>
    public static NpgsqlBatch NewBatch(this HimDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return new((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
    }
}
