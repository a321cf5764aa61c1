using System.Globalization;
using System.Text;
using HimPortal.Application.Audit;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Tests.Infrastructure;

/// <summary>
/// Changes the audit as an attacker with full database access would: as a superuser, with the append-only triggers of
/// the table and of every monthly partition switched off for the statement, and on again afterwards.
/// </summary>
public static class AuditTampering
{
    private const string EachPartition = """
        DO $$ DECLARE t regclass; g record; BEGIN
          FOR t IN SELECT 'audit.access_events'::regclass UNION ALL
                   SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'audit.access_events'::regclass LOOP
            FOR g IN SELECT tgname FROM pg_trigger WHERE tgrelid = t AND NOT tgisinternal LOOP
              EXECUTE format('ALTER TABLE %s SWITCH TRIGGER %I', t, g.tgname);
            END LOOP;
          END LOOP;
        END $$;
        """;

    public static Task TamperAsync(this TestDatabase database, string sql)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.ExecuteAsync(EachPartition.Replace("SWITCH", "DISABLE", StringComparison.Ordinal)
                                     + sql + ";\n"
                                     + EachPartition.Replace("SWITCH", "ENABLE ALWAYS", StringComparison.Ordinal));
    }

    /// <summary>
    /// Removes the newest rows of <paramref name="lane"/> after sequence <paramref name="keep"/> and moves the lane's head
    /// back to the row kept last, so that audit.lane_heads agrees with what is left: the "unanchored tail" of ADR 0003.
    /// </summary>
    public static Task TruncateLaneAsync(this TestDatabase database, short lane, long keep) =>
        database.TamperAsync($"""
            DELETE FROM audit.access_events WHERE lane = {lane} AND lane_seq > {keep};
            UPDATE audit.lane_heads h SET lane_seq = e.lane_seq, hash = e.hash, occurred_at = e.occurred_at
            FROM audit.access_events e WHERE h.lane = {lane} AND e.lane = {lane} AND e.lane_seq = {keep}
            """);

    /// <summary>
    /// Recomputes every link of <paramref name="lane"/> from sequence <paramref name="fromSeq"/> on, from the rows as they
    /// are stored now (after a <see cref="TamperAsync"/> changed one), and moves the lane's head to the new last link:
    /// what someone who knows the chain's formula (SHA-256, unkeyed) does to make an altered row verify again.
    /// </summary>
    public static async Task RechainLaneAsync(this TestDatabase database, short lane, long fromSeq)
    {
        ArgumentNullException.ThrowIfNull(database);
        var options = DataServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<HimDbContext>(), database.SuperuserConnectionString);
        List<HimPortal.Data.Audit.AccessEvent> rows;
        await using (var db = new HimDbContext((DbContextOptions<HimDbContext>)options.Options))
        {
            rows = await db.AccessEvents.AsNoTracking().Where(e => e.Lane == lane && e.LaneSeq >= fromSeq - 1)
                .OrderBy(e => e.LaneSeq).ToListAsync();
        }

        var previous = rows.Count > 0 && rows[0].LaneSeq == fromSeq - 1 ? rows[0].Hash : AuditChain.Genesis;
        var sql = new StringBuilder();
        foreach (var row in rows.Where(r => r.LaneSeq >= fromSeq))
        {
            row.PrevHash = previous;
            row.Hash = AuditChain.ComputeHash(row);
            previous = row.Hash;
            sql.Append(CultureInfo.InvariantCulture,
                $"UPDATE audit.access_events SET prev_hash = '\\x{Convert.ToHexStringLower(row.PrevHash)}', hash = '\\x{Convert.ToHexStringLower(row.Hash)}' WHERE id = '{row.Id}';\n");
        }

        var last = rows[^1];
        sql.Append(CultureInfo.InvariantCulture,
            $"UPDATE audit.lane_heads SET lane_seq = {last.LaneSeq}, hash = '\\x{Convert.ToHexStringLower(last.Hash)}' WHERE lane = {lane}");
        await database.TamperAsync(sql.ToString());
    }
}
