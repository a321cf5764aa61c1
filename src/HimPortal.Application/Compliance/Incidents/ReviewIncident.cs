using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Reviews;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.Incidents;

/// <summary>
/// Compliance's work on an incident: the exception of 45 CFR 164.402(1), if any; the four factors of 164.402(2); when the
/// individual was notified (164.404); and a disposition (null saves the assessment and leaves it open). The version is
/// the one the reviewer saw.
/// </summary>
public sealed record ReviewIncidentCommand(
    Guid Id,
    uint Version,
    string? BreachException,
    string? NatureAndExtent,
    string? UnauthorizedPerson,
    string? AcquiredOrViewed,
    string? Mitigation,
    DateTimeOffset? NotifiedAt,
    string? Disposition,
    string? Notes);

public sealed class ReviewIncidentValidator : AbstractValidator<ReviewIncidentCommand>
{
    public ReviewIncidentValidator()
    {
        RuleFor(c => c.BreachException).Must(e => e is null || BreachExceptions.All.Contains(e)).WithMessage("Choose one of the exceptions of 164.402(1), or none.");
        RuleFor(c => c.Disposition).Must(d => d is null || IncidentDispositions.All.Contains(d)).WithMessage("Choose a disposition.");
        RuleFor(c => c.NatureAndExtent).MaximumLength(4000);
        RuleFor(c => c.UnauthorizedPerson).MaximumLength(4000);
        RuleFor(c => c.AcquiredOrViewed).MaximumLength(4000);
        RuleFor(c => c.Mitigation).MaximumLength(4000);
        RuleFor(c => c.Notes).MaximumLength(4000);
        RuleFor(c => c.Notes).NotEmpty().When(c => c.Disposition is not null).WithMessage("Write a note: the reasons for the disposition are the record of it.");
        // 164.402(2): an impermissible disclosure is presumed a breach unless an exception applies or the assessment of the
        // four factors shows a low probability of compromise; so closing it as not a breach needs one or the other.
        RuleFor(c => c).Must(c => (c.BreachException is not null && c.BreachException != BreachExceptions.None) || FactorsDone(c))
            .When(c => c.Disposition == IncidentDispositions.NotABreach)
            .WithMessage("Not a breach needs an exception of 164.402(1) or all four factors of the risk assessment (164.402(2)).")
            .WithName("Assessment");
        RuleFor(c => c).Must(c => FactorsDone(c) && c.NotifiedAt is not null).When(c => c.Disposition == IncidentDispositions.Breach)
            .WithMessage("A breach is closed when the four factors are assessed and the individual's notification date is recorded (164.404).")
            .WithName("Notification");
    }

    public static bool FactorsDone(ReviewIncidentCommand c) =>
        !string.IsNullOrWhiteSpace(c.NatureAndExtent) && !string.IsNullOrWhiteSpace(c.UnauthorizedPerson)
        && !string.IsNullOrWhiteSpace(c.AcquiredOrViewed) && !string.IsNullOrWhiteSpace(c.Mitigation);
}

/// <summary>
/// Records compliance's assessment and disposition of a privacy incident, in one transaction with its audit row, like the
/// other reviews (<see cref="ReviewWorkflow"/>): a signed-in reviewer, never one of the people whose access it is about,
/// a final disposition stands, and the version seen must still be the row's.
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class ReviewIncidentHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<ReviewIncidentCommand> validator,
    HospitalTime hospital,
    TimeProvider clock) : Handler<ReviewIncidentCommand, Result<string>>(permissions)
{
    protected override async Task<Result<string>> ExecuteAsync(ReviewIncidentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (actors.Current.UserId is not { } reviewer)
        {
            return Error.Forbidden("An incident is reviewed by a signed-in reviewer.");
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
                var incident = await db.Set<PrivacyIncident>().SingleOrDefaultAsync(i => i.Id == command.Id, token);
                if (incident is null)
                {
                    return Error.NotFound("There is no such incident.");
                }

                if (await db.Set<PrivacyIncidentAccess>().AnyAsync(a => a.IncidentId == incident.Id && a.UserId == reviewer, token))
                {
                    return ComplianceErrors.OwnAccess;
                }

                var previousReviewer = incident.ReviewedByUserId is { } by
                    ? await db.Users.Where(u => u.Id == by).Select(u => u.DisplayName).FirstOrDefaultAsync(token)
                    : null;
                if (incident.Version != command.Version)
                {
                    return ReviewRules.Conflict(previousReviewer);
                }

                if (incident.Disposition is IncidentDispositions.NotABreach or IncidentDispositions.Breach)
                {
                    return new Error(ErrorKind.Conflict, "already-reviewed",
                        $"This incident was closed ({incident.Disposition}) by {previousReviewer ?? "another reviewer"} on {(incident.ReviewedAt is { } at ? hospital.Format(at) : "an earlier date")}.");
                }

                var before = incident.Disposition;
                incident.BreachException = command.BreachException;
                incident.NatureAndExtent = Trim(command.NatureAndExtent);
                incident.UnauthorizedPerson = Trim(command.UnauthorizedPerson);
                incident.AcquiredOrViewed = Trim(command.AcquiredOrViewed);
                incident.Mitigation = Trim(command.Mitigation);
                incident.NotifiedAt = command.NotifiedAt;
                if (command.Disposition is not null)
                {
                    incident.Disposition = command.Disposition;
                    incident.ReviewNotes = Trim(command.Notes);
                    incident.ReviewedAt = clock.GetUtcNow();
                    incident.ReviewedByUserId = reviewer;
                }

                db.Entry(incident).Property(i => i.Version).OriginalValue = command.Version;
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "PrivacyIncident", incident.Id.ToString("D"),
                    incident.RightPatientId, Details: $"incident assessment; exception {command.BreachException ?? "undecided"}; "
                        + $"factors {(ReviewIncidentValidator.FactorsDone(command) ? "done" : "open")}; disposition {before ?? "none"} -> {incident.Disposition ?? "none"}"), token);
                return Result<string>.Success(incident.Disposition ?? "open");
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ReviewRules.Conflict(null);
        }
    }

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
