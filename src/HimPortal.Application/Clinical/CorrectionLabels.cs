using HimPortal.Application.Clinical.Corrections;
using HimPortal.Data;
using HimPortal.Data.Access;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Clinical;

/// <summary>
/// A correction's sensitivity labels: those in force on the moved items go onto their copies, so segmentation (42 CFR
/// Part 2, psychotherapy notes) is not lost on the way. Shared by every correction that moves items between records
/// (the record correction, the MPI overlay correction), in the caller's transaction.
/// </summary>
public static class CorrectionLabels
{
    /// <summary>The labels in force on the moved items, put on their copies: the second patient's item is as sensitive as it was.</summary>
    public static async Task CarryAsync(HimDbContext db, CorrectionWritten correction, DateTimeOffset now, Guid? userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(correction);
        var copies = correction.Items.ToDictionary(i => i.OriginalId);
        var originals = copies.Keys.ToArray();
        var labels = await db.ItemSensitivityLabels.AsNoTracking()
            .Where(l => l.PatientId == correction.FromPatientId && originals.Contains(l.ResourceId) && l.RemovedAt == null)
            .ToListAsync(ct);
        foreach (var label in labels.Where(l => copies.TryGetValue(l.ResourceId, out var copy) && copy.ResourceType == l.ResourceType))
        {
            var copy = copies[label.ResourceId];
            var reason = $"Carried by correction {correction.CorrectionId:D} from {label.ResourceType}/{label.ResourceId:D}" +
                         (label.Reason is { } why ? ": " + why : "");
            db.ItemSensitivityLabels.Add(new ItemSensitivityLabel
            {
                Id = Guid.CreateVersion7(now),
                PatientId = correction.ToPatientId,
                LabelCode = label.LabelCode,
                ResourceType = label.ResourceType,
                ResourceId = copy.CopyId,
                Source = label.Source,
                MatchedCode = label.MatchedCode,
                Reason = reason.Length <= 1000 ? reason : reason[..1000],
                LabelledAt = now,
                LabelledByUserId = userId,
            });
        }

        await db.SaveChangesAsync(ct);
    }
}
