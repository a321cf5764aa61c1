using FluentValidation;
using HimPortal.Application.Common;
using HimPortal.Data.Compliance;
using Microsoft.Extensions.Configuration;

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
    public static int OverdueDays(IConfiguration configuration) => Math.Max(1, configuration.GetValue("Compliance:ReviewOverdueDays", 3));

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
            : new Error("already-reviewed",
                $"This was already reviewed ({Label(current)}) by {reviewer ?? "another reviewer"} on {(reviewedAt is { } at ? hospital.Format(at) : "an earlier date")}.");
    }

    public static Error Conflict(string? reviewer) =>
        new("conflict", $"{reviewer ?? "Another reviewer"} changed this after you opened it. Reload it to see their review; yours was not saved.");
}
