using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Reviews;
using HimPortal.Data;
using HimPortal.Data.Compliance;

namespace HimPortal.Application.Compliance.Alerts;

/// <summary>
/// Records the reviewer's disposition of an alert, with notes (<see cref="ReviewWorkflow"/>): the same rules as a
/// break-the-glass review. An open alert that gained evidence since the reviewer opened it is reviewed again.
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class ReviewAlertHandler(PermissionCheck permissions, HimDbContext db, ReviewWorkflow workflow) : Handler<ReviewCommand, Result<string>>(permissions)
{
    private static readonly ReviewTarget<PrivacyAlert> Target = new(
        "PrivacyAlert",
        a => a.Id,
        a => a.UserId,
        a => a.PatientId,
        a => (a.Disposition, a.ReviewedAt, a.ReviewedByUserId, a.ReviewNotes, a.Version),
        (a, disposition, notes, at, by) =>
        {
            a.Disposition = disposition;
            a.ReviewNotes = notes;
            a.ReviewedAt = at;
            a.ReviewedByUserId = by;
        },
        a => a.Version,
        a => $"alert {a.RuleCode}; ",
        _ => Error.Conflict("New evidence was added to this alert after you opened it. Reload it and review it again; your review was not saved."));

    protected override Task<Result<string>> ExecuteAsync(ReviewCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return workflow.ReviewAsync(command, db.PrivacyAlerts.Where(a => a.Id == command.Id), Target, ct);
    }
}
