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
}
