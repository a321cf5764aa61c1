using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HimPortal.Data;

/// <summary>
/// Applies the EF Core migrations (which also create the audit table's append-only triggers) with the owner connection,
/// then grants the application's login role exactly what it may do: full DML on the working schemas; on the audit,
/// SELECT and appends through audit.append only. Finally it makes sure the audit has its monthly partitions ahead.
/// </summary>
public static class DatabaseMigrator
{
    /// <summary>Schemas whose tables the application may read and change.</summary>
    private static readonly string[] WorkingSchemas =
        [Schemas.Identity, Schemas.Clinical, Schemas.Access, Schemas.Compliance, Schemas.Jobs, Schemas.Quartz, Schemas.Intake, Schemas.Documents, Schemas.Mpi, Schemas.Roi, Schemas.Completion, Schemas.Portal];

    public sealed record Outcome(IReadOnlyList<string> Applied, string? ApplicationRole, string? Warning);

    public static async Task<Outcome> MigrateAsync(string ownerConnectionString, string applicationConnectionString, CancellationToken ct)
    {
        var options = DataServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<HimDbContext>(), ownerConnectionString);
        await using var db = new HimDbContext((DbContextOptions<HimDbContext>)options.Options);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await db.Database.MigrateAsync(ct);

        var owner = new NpgsqlConnectionStringBuilder(ownerConnectionString).Username;
        var app = new NpgsqlConnectionStringBuilder(applicationConnectionString).Username;
        if (string.IsNullOrEmpty(app) || string.Equals(owner, app, StringComparison.Ordinal))
        {
            await EnsureAuditPartitionsAsync(db, ct);
            return new Outcome(pending, null,
                "The application logs in as the schema owner: the audit table's append-only guarantee then rests on its triggers alone, " +
                "which an owner can disable. Set ConnectionStrings:HimPortalAdmin to an owner role and ConnectionStrings:HimPortal to a separate login role.");
        }

        await db.Database.ExecuteSqlRawAsync(GrantsSql(app), ct);
        await EnsureAuditPartitionsAsync(db, ct);
        return new Outcome(pending, app, null);
    }

    /// <summary>The months ahead that always have a partition, so appends never meet a month without one.</summary>
    public const int PartitionMonthsAhead = 3;

    private static Task<int> EnsureAuditPartitionsAsync(HimDbContext db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(
            $"SELECT audit.ensure_partitions(current_date, (current_date + interval '{PartitionMonthsAhead} months')::date)", ct);

    /// <summary>Until when the audit has monthly partitions (the upper bound of the newest), or null when it has none.</summary>
    public static Task<DateTimeOffset?> AuditPartitionsUntilAsync(HimDbContext db, CancellationToken ct) =>
        db.Database.SqlQueryRaw<DateTimeOffset?>("""
            SELECT max(substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''([^'']+)''\)')::timestamptz) AS "Value"
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'audit.access_events'::regclass
            """).SingleAsync(ct);

    public static async Task<IReadOnlyList<string>> PendingMigrationsAsync(HimDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
    }

    /// <summary>The migrations this build holds that the database at <paramref name="connectionString"/> lacks.</summary>
    public static async Task<IReadOnlyList<string>> PendingMigrationsAsync(string connectionString, CancellationToken ct)
    {
        var options = DataServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<HimDbContext>(), connectionString);
        await using var db = new HimDbContext((DbContextOptions<HimDbContext>)options.Options);
        return await PendingMigrationsAsync(db, ct);
    }

    internal static string GrantsSql(string applicationRole)
    {
        var role = QuoteIdentifier(applicationRole);
        var sql = new System.Text.StringBuilder();
        foreach (var schema in WorkingSchemas)
        {
            sql.AppendLine($"GRANT USAGE ON SCHEMA {schema} TO {role};");
            sql.AppendLine($"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};");
            sql.AppendLine($"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};");
        }

        sql.AppendLine($"GRANT USAGE ON SCHEMA {Schemas.Audit} TO {role};");
        sql.AppendLine($"REVOKE ALL ON ALL TABLES IN SCHEMA {Schemas.Audit} FROM {role};");
        // No INSERT either: the application appends only through audit.append (SECURITY DEFINER), which claims a lane,
        // links the row to the lane's head and moves the head in one step, so no row can enter beside the chain.
        sql.AppendLine($"GRANT SELECT ON {Schemas.Audit}.access_events, {Schemas.Audit}.lane_heads, {Schemas.Audit}.archived_partitions, {Schemas.Audit}.archive_links TO {role};");
        sql.AppendLine($"GRANT EXECUTE ON FUNCTION {Schemas.Audit}.append, {Schemas.Audit}.ensure_partitions TO {role};");
        sql.AppendLine($"GRANT SELECT ON public.\"__EFMigrationsHistory\" TO {role};");
        return sql.ToString();
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
