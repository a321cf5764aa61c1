using HimPortal.Data;
using HimPortal.Data.Mpi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Patients.Matching;

/// <summary>The matcher's settings as the engine uses them (the row, with its weights parsed).</summary>
public sealed record MatchConfiguration(
    bool AutoLinkEnabled, double AutoLinkThreshold, double ReviewThreshold, bool SecondReviewerForClinicalData, MatchWeights Weights, uint Version)
{
    /// <summary>
    /// The defaults (docs/adr/0029-mpi-fellegi-sunter-matching-blocked-by-index-look-ups.md): auto-linking off until a manager turns it on; link at a probability
    /// of 0.98 (about 27.6 bits with the default prior), review from 0.10 (about 18.8 bits); a second reviewer for two
    /// records that both hold clinical data.
    /// </summary>
    public static MatchConfiguration Default { get; } = new(false, 0.98, 0.10, true, MatchWeights.Default, 0);
}

/// <summary>
/// Reads and changes the matcher's one settings row (mpi.match_settings, id 1). No row is seeded: the first read
/// creates the default row (INSERT … ON CONFLICT DO NOTHING, so two first readers agree). Updates carry the version read
/// (optimistic concurrency on xmin).
/// </summary>
public static class MatchSettingsStore
{
    public static async Task<MatchConfiguration> ReadAsync(HimDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await db.MatchSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Id == MatchSettings.SingletonId, ct);
        if (row is null)
        {
            var d = MatchConfiguration.Default;
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO mpi.match_settings (id, auto_link_enabled, auto_link_threshold, review_threshold, second_reviewer_for_clinical_data, weights, updated_at)
                VALUES (1, {d.AutoLinkEnabled}, {d.AutoLinkThreshold}, {d.ReviewThreshold}, {d.SecondReviewerForClinicalData}, {d.Weights.ToJson()}::jsonb, now())
                ON CONFLICT (id) DO NOTHING
                """, ct);
            row = await db.MatchSettings.AsNoTracking().SingleAsync(s => s.Id == MatchSettings.SingletonId, ct);
        }

        return new MatchConfiguration(row.AutoLinkEnabled, row.AutoLinkThreshold, row.ReviewThreshold, row.SecondReviewerForClinicalData,
            MatchWeights.FromJson(row.Weights), row.Version);
    }

    /// <summary>
    /// Writes <paramref name="settings"/> when the row is still at <see cref="MatchConfiguration.Version"/>; false when
    /// someone changed it meanwhile (the caller reports a conflict). In the caller's transaction.
    /// </summary>
    public static async Task<bool> UpdateAsync(HimDbContext db, MatchConfiguration settings, Guid? userId, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(settings);
        var row = await db.MatchSettings.SingleAsync(s => s.Id == MatchSettings.SingletonId, ct);
        db.Entry(row).Property(r => r.Version).OriginalValue = settings.Version;
        row.AutoLinkEnabled = settings.AutoLinkEnabled;
        row.AutoLinkThreshold = settings.AutoLinkThreshold;
        row.ReviewThreshold = settings.ReviewThreshold;
        row.SecondReviewerForClinicalData = settings.SecondReviewerForClinicalData;
        row.Weights = settings.Weights.ToJson();
        row.UpdatedAt = now;
        row.UpdatedByUserId = userId;
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
