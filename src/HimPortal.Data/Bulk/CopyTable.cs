using HimPortal.Data.Clinical;

namespace HimPortal.Data.Bulk;

/// <summary>One column as binary COPY writes it: its name and how a row's value is encoded.</summary>
public sealed record CopyColumn<T>(string Name, Action<CopyBuffer, T> Write);

/// <summary>A table's name and columns, as COPY and the staging UPDATE name them.</summary>
public abstract class CopyTable(string schema, string name, IReadOnlyList<string> columns)
{
    public string Name => name;

    public string Qualified { get; } = $"{schema}.{name}";

    public IReadOnlyList<string> Columns => columns;

    public string ColumnList { get; } = string.Join(", ", columns);
}

/// <summary>
/// One table as binary COPY writes it, with a typed encoder per column (no boxing, no reflection). The clinical tables
/// are in <see cref="ClinicalCopyMap"/>, generated from the EF Core model.
/// </summary>
public sealed class CopyTable<T>(string schema, string name, IReadOnlyList<CopyColumn<T>> columns)
    : CopyTable(schema, name, [.. columns.Select(c => c.Name)])
{
    public void Encode(CopyBuffer buffer, T row)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        buffer.BeginRow(columns.Count);
        foreach (var column in columns)
        {
            column.Write(buffer, row);
        }
    }
}

/// <summary>Rows of one table, encoded for binary COPY as they are added; each row's bytes are one slice of the buffer.</summary>
public abstract class CopyRows(CopyTable table) : IDisposable
{
    private readonly List<(int Offset, int Length)> _rows = [];

    protected CopyBuffer Buffer { get; } = new();

    public CopyTable Table => table;

    public int Count => _rows.Count;

    public ReadOnlyMemory<byte> Row(int index) => Buffer.Slice(_rows[index].Offset, _rows[index].Length);

    public void Dispose()
    {
        Buffer.Dispose();
        GC.SuppressFinalize(this);
    }

    protected void Encoded(int offset) => _rows.Add((offset, Buffer.Length - offset));
}

/// <summary>Resources of one table: each row with its key and source hash, which decide insert, update or nothing.</summary>
public sealed class ResourceRows<T>(CopyTable<T> table) : CopyRows(table), IResourceRows
    where T : ClinicalResource
{
    private readonly List<Guid> _keys = [];
    private readonly List<byte[]> _hashes = [];
    private readonly List<Guid> _owners = [];
    private readonly List<Guid> _encounters = [];

    public IReadOnlyList<Guid> Keys => _keys;

    public IReadOnlyList<byte[]> Hashes => _hashes;

    public IReadOnlyList<Guid> Owners => _owners;

    public IReadOnlyList<Guid> Encounters => _encounters;

    /// <summary>Encodes <paramref name="row"/> now: later changes to the object are not written.</summary>
    public void Add(T row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var offset = Buffer.Length;
        table.Encode(Buffer, row);
        Encoded(offset);
        _keys.Add(row.Id);
        _hashes.Add(row.SourceHash);
        // Whose record the row is in, and the encounter it belongs to: the writer checks that neither crosses patients.
        (var owner, var encounter) = row switch
        {
            PatientResource p => (p.PatientId, p.EncounterId ?? Guid.Empty),
            Encounter e => (e.PatientId, Guid.Empty),
            Patient p => (p.Id, Guid.Empty),
            _ => (Guid.Empty, Guid.Empty),
        };
        _owners.Add(owner);
        _encounters.Add(encounter);
    }
}

/// <summary>Parts of one table (participants, components, members): each row with its parent's key.</summary>
public sealed class PartRows<T>(CopyTable<T> table) : CopyRows(table), IPartRows
    where T : ResourcePart
{
    private readonly List<Guid> _parents = [];

    public IReadOnlyList<Guid> Parents => _parents;

    /// <summary>Encodes <paramref name="row"/> now: later changes to the object are not written.</summary>
    public void Add(T row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var offset = Buffer.Length;
        table.Encode(Buffer, row);
        Encoded(offset);
        _parents.Add(row.ParentId);
    }
}

public interface IResourceRows : IDisposable
{
    CopyTable Table { get; }

    int Count { get; }

    IReadOnlyList<Guid> Keys { get; }

    IReadOnlyList<byte[]> Hashes { get; }

    /// <summary>Per row, the key of the patient whose record it is in (a patient's own key); <see cref="Guid.Empty"/> for master data.</summary>
    IReadOnlyList<Guid> Owners { get; }

    /// <summary>Per row, the key of the encounter it belongs to; <see cref="Guid.Empty"/> for none.</summary>
    IReadOnlyList<Guid> Encounters { get; }

    ReadOnlyMemory<byte> Row(int index);
}

public interface IPartRows : IDisposable
{
    CopyTable Table { get; }

    int Count { get; }

    IReadOnlyList<Guid> Parents { get; }

    ReadOnlyMemory<byte> Row(int index);
}
