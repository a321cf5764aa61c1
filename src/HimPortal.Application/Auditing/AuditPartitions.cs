using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Auditing;

public sealed record EnsureAuditPartitionsCommand;

/// <summary>
/// Keeps the audit's monthly partitions <see cref="DatabaseMigrator.PartitionMonthsAhead"/> months ahead, so an append never
/// meets a month without one (it would fail, and with it the action it records). The background job calls it daily;
/// `himportal migrate` too.
/// </summary>
public sealed class EnsureAuditPartitionsHandler(HimDbContext db, TimeProvider clock)
{
    public async Task<int> HandleAsync(EnsureAuditPartitionsCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var created = await db.Database
            .SqlQueryRaw<int>("SELECT audit.ensure_partitions({0}, {1}) AS \"Value\"", today.AddMonths(-1), today.AddMonths(DatabaseMigrator.PartitionMonthsAhead))
            .ToListAsync(ct);
        return created.Single();
    }
}
