using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Reviews;
using HimPortal.Data;
using HimPortal.Data.Access;

namespace HimPortal.Application.Compliance.BreakGlassReview;

/// <summary>
/// Records the reviewer's disposition of an emergency access, with notes (<see cref="ReviewWorkflow"/>). The access
/// leaves the queue (reviewed_at is set); "needs follow-up" keeps it on the follow-up list for a final decision.
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class ReviewBreakGlassHandler(PermissionCheck permissions, HimDbContext db, ReviewWorkflow workflow) : Handler<ReviewCommand, Result<string>>(permissions)
{
    private static readonly ReviewTarget<BreakGlassAccess> Target = new(
        "BreakGlassAccess",
        g => g.Id,
        g => g.UserId,
        g => g.PatientId,
        g => (g.Disposition, g.ReviewedAt, g.ReviewedByUserId, g.ReviewNotes, g.Version),
        (g, disposition, notes, at, by) =>
        {
            g.Disposition = disposition;
            g.ReviewNotes = notes;
            g.ReviewedAt = at;
            g.ReviewedByUserId = by;
        },
        g => g.Version,
        _ => "");

    protected override Task<Result<string>> ExecuteAsync(ReviewCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return workflow.ReviewAsync(command, db.BreakGlassAccesses.Where(g => g.Id == command.Id), Target, ct);
    }
}
