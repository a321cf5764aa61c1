namespace HimPortal.Application.Clinical.Records;

/// <summary>Resources by FHIR type.</summary>
public sealed class TypeCounts : SortedDictionary<string, int>
{
    public TypeCounts()
        : base(StringComparer.Ordinal)
    {
    }

    public void Add(TypeCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (type, count) in other)
        {
            Increment(type, count);
        }
    }

    public void Increment(string type, int count = 1)
    {
        if (count != 0)
        {
            this[type] = (TryGetValue(type, out var n) ? n : 0) + count;
        }
    }
}
