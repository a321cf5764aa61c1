using System.Reflection;

namespace HimPortal.Data.Jobs;

/// <summary>Quartz.NET's job-store tables in the quartz schema (the clustered schedules, docs/adr/0014).</summary>
public static class QuartzSchema
{
    /// <summary>Quartz's table prefix: the schema and the tables' own prefix.</summary>
    public const string TablePrefix = Schemas.Quartz + ".qrtz_";

    /// <summary>The statements that create the tables (each only if missing), in order.</summary>
    public static IReadOnlyList<string> CreateStatements()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("HimPortal.Data.Jobs.quartz-schema-postgres.sql")
            ?? throw new InvalidOperationException("The Quartz schema script is not embedded.");
        using var reader = new StreamReader(stream);
        var script = reader.ReadToEnd().Replace("{0}", TablePrefix, StringComparison.Ordinal).Replace("{1}", "qrtz_", StringComparison.Ordinal);
        return script.Split("\n--;;", StringSplitOptions.TrimEntries)
            .Select(piece => string.Join('\n', piece.Split('\n').Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal))).Trim())
            .Where(statement => statement.Length > 0)
            .ToList();
    }
}
