namespace HimPortal.Application.Common;

/// <summary>An in-memory cache's counters on this node, shown on the system status page (hit ratio, size).</summary>
public interface ICacheCounters
{
    string Name { get; }

    long Hits { get; }

    long Misses { get; }

    /// <summary>What the cache holds now, in its own unit (the chart cache counts rows of record).</summary>
    long Size { get; }
}
