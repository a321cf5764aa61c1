using HimPortal.Application.Common;
using HimPortal.Application.Access;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Charts.GetChart;

/// <summary>
/// The charts read lately, each kept under the record's version (the person's records' when linked, ADR 0015) (<see cref="ChartRecordVersion"/>) and the sections the
/// reader's role sees. A chart is opened again and again while a patient is in care; the gate still decides, and the
/// audit row is still written, on every view; only the section queries are skipped when the version the gate has just
/// read in the view's transaction is the version the content was read at. Any change to the record bumps its version
/// in the changing transaction, so a kept chart is never staler than the database (docs/adr/0011).
/// Bounded by <c>Charts:ContentCache:Rows</c> (rows of record kept in all, 0 turns it off) and forgotten after
/// <c>Charts:ContentCache:Minutes</c> without a view.
/// </summary>
public sealed class ChartContentCache : IDisposable, ICacheCounters
{
    private long _hits;
    private long _misses;

    public const int DefaultRows = 200_000;

    private readonly MemoryCache? _charts;
    private readonly TimeSpan _idle;

    public ChartContentCache(IOptions<ChartsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rows = options.Value.ContentCache.Rows;
        _idle = TimeSpan.FromMinutes(options.Value.ContentCache.Minutes);
        _charts = rows > 0 ? new MemoryCache(new MemoryCacheOptions { SizeLimit = rows, TrackStatistics = true }) : null;
    }

    public string Name => "Chart content (ADR 0011)";

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public long Size => _charts?.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

    public bool TryGet(Key key, out ChartView? chart)
    {
        chart = null;
        var hit = _charts is not null && _charts.TryGetValue(key, out chart);
        Interlocked.Increment(ref hit ? ref _hits : ref _misses);
        return hit;
    }

    public void Keep(Key key, ChartView chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        if (_charts is null)
        {
            return;
        }

        var rows = 1 + chart.Allergies.Count + chart.Problems.Count + chart.Medications.Count + chart.Immunizations.Count
                   + chart.Encounters.Count + chart.Procedures.Count + chart.Observations.All.Count + chart.Imaging.Count
                   + chart.Documents.Count;
        _charts.Set(key, chart, new MemoryCacheEntryOptions { Size = rows, SlidingExpiration = _idle });
    }

    public void Dispose() => _charts?.Dispose();

    /// <summary>
    /// What a kept chart was read for: the patient, the person's other records when linked (their ids: a sum of versions
    /// alone could meet an earlier one of another set of records), the versions, and the sections shown (a bit per <see cref="ChartSection"/>).
    /// </summary>
    public readonly record struct Key(Guid PatientId, string? Person, ChartRecordVersion Version, long Sections)
    {
        public static Key For(ChartEntry entry)
        {
            ArgumentNullException.ThrowIfNull(entry);
            var sections = 0L;
            foreach (var section in entry.Access.Sections)
            {
                sections |= 1L << (int)section;
            }

            var person = entry.Patient.IsLinked ? string.Join(',', entry.Patient.Records.Select(r => r.Id.ToString("N"))) : null;
            return new Key(entry.Patient.Id, person, entry.Version, sections);
        }
    }
}
