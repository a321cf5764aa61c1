using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Audit.EnsureAuditPartitions;

public sealed record EnsureAuditPartitionsCommand;

/// <summary>
/// Keeps the audit's monthly partitions <see cref="DatabaseMigrator.PartitionMonthsAhead"/> months ahead, so an append never
/// meets a month without one (it would fail, and with it the action it records). The background job calls it daily;
/// `himportal migrate` too.
/// </summary>
[RequiresPermission(Permissions.AuditMaintain)]
public sealed class EnsureAuditPartitionsHandler(PermissionCheck permissions, HimDbContext db, TimeProvider clock) : Handler<EnsureAuditPartitionsCommand, Result<int>>(permissions)
{
    protected override async Task<Result<int>> ExecuteAsync(EnsureAuditPartitionsCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var created = await db.Database
            .SqlQueryRaw<int>("SELECT audit.ensure_partitions({0}, {1}) AS \"Value\"", today.AddMonths(-1), today.AddMonths(DatabaseMigrator.PartitionMonthsAhead))
            .ToListAsync(ct);
        return Result<int>.Success(created.Single());
    }
}
