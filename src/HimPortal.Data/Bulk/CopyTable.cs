using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Data.Bulk;

/// <summary>One column as binary COPY writes it: its name and how a row's value is written.</summary>
public sealed record CopyColumn<T>(string Name, Action<NpgsqlBinaryImporter, T> Write);

/// <summary>
/// One table as binary COPY writes it: its qualified name and its columns, each with a typed writer (no boxing, no
/// reflection). The clinical tables are in <see cref="ClinicalCopyMap"/>, generated from the EF Core model.
/// </summary>
public sealed class CopyTable<T>(string schema, string name, IReadOnlyList<CopyColumn<T>> columns)
{
    public string Name => name;

    public string Qualified { get; } = $"{schema}.{name}";

    public IReadOnlyList<CopyColumn<T>> Columns => columns;

    /// <summary>The columns as COPY and INSERT name them.</summary>
    public string ColumnList { get; } = string.Join(", ", columns.Select(c => c.Name));

    public void WriteRow(NpgsqlBinaryImporter importer, T row)
    {
        ArgumentNullException.ThrowIfNull(importer);
        importer.StartRow();
        foreach (var column in columns)
        {
            column.Write(importer, row);
        }
    }
}

/// <summary>Null-aware writes for the generated column writers.</summary>
public static class CopyWrites
{
    public static void WriteOrNull<T>(this NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(importer);
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, type);
        }
    }

    public static void WriteValueOrNull<T>(this NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(importer);
        if (value is { } v)
        {
            importer.Write(v, type);
        }
        else
        {
            importer.WriteNull();
        }
    }
}
