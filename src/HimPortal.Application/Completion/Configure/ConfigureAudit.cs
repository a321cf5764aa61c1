using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Configure;

/// <summary>
/// What the HIM manager's configuration handlers share: the audit row (completion.configure, what changed, never patient
/// data) and the re-analysis of the open stays a change touches, so nothing is judged by rules no longer in force.
/// </summary>
internal static class ConfigureAudit
{
    public static AuditRecord Of(string resourceType, string resourceId, string details) =>
        new(AuditAction.Admin, AuditOutcome.Success, resourceType, resourceId, Purpose: "HOPERAT", Details: "completion.configure; " + details);

    public static readonly Error Stale = new(ErrorKind.Conflict, "configuration-changed",
        "Someone changed this since you opened it. Open it again.");

    /// <summary>Queues the stays not yet complete (of these classes, or all) for analysis, in the caller's transaction; returns how many.</summary>
    public static async Task<int> QueueOpenStaysAsync(HimDbContext db, IReadOnlyCollection<string>? classes, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var stays = db.Stays.AsNoTracking().Where(s => s.Status != StayStatuses.Complete);
        if (classes is not null)
        {
            stays = stays.Where(s => classes.Contains(s.EncounterClass));
        }

        var ids = await stays.Select(s => s.EncounterId).ToListAsync(ct);
        return await StaysToAnalyse.QueueAsync(db, ids, reason, now, ct);
    }
}
