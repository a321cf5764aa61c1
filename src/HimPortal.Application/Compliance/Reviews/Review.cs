using FluentValidation;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.Reviews;

/// <summary>
/// A reviewer's decision on a break-the-glass access or a privacy alert. <paramref name="Version"/> is the row version the
/// reviewer saw (PostgreSQL's xmin): if someone reviewed or changed it since, the second reviewer is told, not overwritten.
/// </summary>
public sealed record ReviewCommand(Guid Id, string? Disposition, string? Notes, uint Version);

public sealed class ReviewValidator : AbstractValidator<ReviewCommand>
{
    public ReviewValidator()
    {
        RuleFor(c => c.Disposition).Must(d => d is not null && Dispositions.All.Contains(d))
            .WithMessage("Choose a disposition: appropriate, inappropriate or needs follow-up.");
        // An access found inappropriate, or left open, must say why and what happens next: the note is the record of it.
        RuleFor(c => c.Notes).NotEmpty().When(c => c.Disposition is Dispositions.Inappropriate or Dispositions.FollowUp)
            .WithMessage("Write a note: say why, and what follows (for an inappropriate access or one that needs follow-up).");
        RuleFor(c => c.Notes).MaximumLength(4000).WithMessage("Keep the note under 4000 characters.");
    }
}

public static class ReviewRules
{
    /// <summary>Days after which an open break-the-glass access or alert counts as overdue (Compliance:ReviewOverdueDays).</summary>

    public static string Label(string? disposition) => disposition switch
    {
        Dispositions.Appropriate => "appropriate",
        Dispositions.Inappropriate => "inappropriate",
        Dispositions.FollowUp => "needs follow-up",
        _ => "not reviewed",
    };

    /// <summary>
    /// A final disposition stands: an access found appropriate or inappropriate is not re-decided in the queue. One marked
    /// for follow-up stays open for its final disposition.
    /// </summary>
    public static Error? CheckOpen(string? current, DateTimeOffset? reviewedAt, string? reviewer, HospitalTime hospital)
    {
        ArgumentNullException.ThrowIfNull(hospital);
        return current is null or Dispositions.FollowUp
            ? null
            : new Error(ErrorKind.Conflict, "already-reviewed",
                $"This was already reviewed ({Label(current)}) by {reviewer ?? "another reviewer"} on {(reviewedAt is { } at ? hospital.Format(at) : "an earlier date")}.");
    }

    public static Error Conflict(string? reviewer) =>
        Error.Conflict( $"{reviewer ?? "Another reviewer"} changed this after you opened it. Reload it to see their review; yours was not saved.");
}

/// <summary>How a review reads and writes one kind of reviewed item (a break-the-glass access, an alert).</summary>
public sealed record ReviewTarget<T>(
    string ResourceType,
    Func<T, Guid> Id,
    Func<T, Guid?> Subject,
    Func<T, Guid?> Patient,
    Func<T, (string? Disposition, DateTimeOffset? ReviewedAt, Guid? ReviewedBy, string? Notes, uint Version)> State,
    Action<T, string, string?, DateTimeOffset, Guid> Apply,
    System.Linq.Expressions.Expression<Func<T, uint>> Version,
    Func<T, string> Describe,
    Func<T, Error>? StaleOpen = null)
    where T : class;

/// <summary>
/// Records a reviewer's disposition, in one transaction with its audit row: never one's own, a final disposition
/// stands, notes where they are owed, and the version the reviewer saw must still be the row's (xmin), so the second of
/// two reviewers at once is told who was first instead of overwriting them.
/// </summary>
public sealed class ReviewWorkflow(
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<ReviewCommand> validator,
    HospitalTime hospital,
    TimeProvider clock)
{
    public async Task<Result<string>> ReviewAsync<T>(ReviewCommand command, IQueryable<T> items, ReviewTarget<T> target, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(target);
        var actor = actors.Current;
        // The review handlers declare Audit.Review; a disposition is also a person's, never the scheduler's or the console's.
        if (actor.UserId is not { } reviewer)
        {
            return Error.Forbidden("A review is recorded by a signed-in reviewer.");
        }

        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync<Result<string>>(async token =>
            {
                var item = await items.SingleOrDefaultAsync(token);
                if (item is null)
                {
                    return Error.NotFound();
                }

                if (target.Subject(item) == reviewer)
                {
                    return ComplianceErrors.OwnAccess;
                }

                var state = target.State(item);
                var previousReviewer = state.ReviewedBy is { } by
                    ? await db.Users.Where(u => u.Id == by).Select(u => u.DisplayName).FirstOrDefaultAsync(token)
                    : null;
                if (state.Version != command.Version)
                {
                    return state.ReviewedAt is null && target.StaleOpen is not null ? target.StaleOpen(item) : ReviewRules.Conflict(previousReviewer);
                }

                if (ReviewRules.CheckOpen(state.Disposition, state.ReviewedAt, previousReviewer, hospital) is { } closed)
                {
                    return closed;
                }

                var notes = string.IsNullOrWhiteSpace(command.Notes) ? null : command.Notes.Trim();
                target.Apply(item, command.Disposition!, notes, clock.GetUtcNow(), reviewer);
                // The version the reviewer saw is the one the UPDATE requires: a review saved in between fails it.
                db.Entry(item).Property(target.Version).OriginalValue = command.Version;
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, target.ResourceType,
                    target.Id(item).ToString("D"), target.Patient(item),
                    Details: $"{target.Describe(item)}disposition {ReviewRules.Label(state.Disposition)} -> {ReviewRules.Label(command.Disposition)}; note {notes?.Length ?? 0} chars"), token);
                return Result<string>.Success(command.Disposition!);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ReviewRules.Conflict(null);
        }
    }
}
