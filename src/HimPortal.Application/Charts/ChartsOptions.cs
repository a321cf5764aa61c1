using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Charts;

/// <summary>The chart's settings (section "Charts").</summary>
public sealed class ChartsOptions
{
    public const string Section = "Charts";

    public ContentCacheOptions ContentCache { get; set; } = new();

    /// <summary>Charts kept in memory under their record's version (ADR 0011).</summary>
    public sealed class ContentCacheOptions
    {
        /// <summary>At most this many rows of record in all (0 turns the cache off).</summary>
        [Range(0, 100_000_000)]
        public int Rows { get; set; } = 200_000;

        /// <summary>Each chart forgotten after this many idle minutes.</summary>
        [Range(0.1, 24 * 60)]
        public double Minutes { get; set; } = 10;
    }
}
