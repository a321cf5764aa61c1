using FluentValidation;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Access;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Access.BreakGlass;

/// <summary>The reasons a physician may give for an emergency access (the pick list), and the words they attest to.</summary>
public static class BreakGlassReasons
{
    public const string Other = "other";

    public static readonly IReadOnlyList<(string Code, string Label)> All =
    [
        ("emergency", "Emergency care: the patient needs treatment now"),
        ("covering", "Covering for the patient's treating physician"),
        ("consult", "Consultation requested by the care team"),
        ("transfer", "Patient is being transferred to my care"),
        (Other, "Other (explain below)"),
    ];

    public const string Attestation =
        "I attest that I need this patient's record to treat them, that this access is recorded, and that compliance will review it.";

    public static string? Label(string code) => All.FirstOrDefault(r => r.Code == code).Label;
}

/// <param name="Attested">The physician ticked the attestation (<see cref="BreakGlassReasons.Attestation"/>).</param>
public sealed record BreakGlassCommand(Guid PatientId, string? ReasonCode, string? ReasonText, bool Attested) : IPatientRequest;

public sealed record BreakGlassGrant(Guid Id, DateTimeOffset ExpiresAt);

public sealed class BreakGlassValidator : AbstractValidator<BreakGlassCommand>
{
    public BreakGlassValidator()
    {
        RuleFor(c => c.ReasonCode).Must(code => code is not null && BreakGlassReasons.Label(code) is not null)
            .WithMessage("Choose the reason for this emergency access.");
        RuleFor(c => c.ReasonText).NotEmpty().When(c => c.ReasonCode == BreakGlassReasons.Other)
            .WithMessage("Explain the reason for this emergency access.");
        RuleFor(c => c.ReasonText).MaximumLength(1000);
        RuleFor(c => c.Attested).Equal(true).WithMessage("Tick the attestation to break the glass.");
    }
}

/// <summary>
/// Break-the-glass: a physician without a reason on record to see a chart (or opening a restricted one) states why and
/// attests; they get access for <c>Charts:BreakGlassDuration</c> (4 hours by default) without being asked again. The
/// grant and its audit row ("break-glass", with the reason and the attestation) commit together, and the grant waits
/// in the compliance review queue (reviewed_at is null) until a compliance officer dispositions it.
/// </summary>
[RequiresPermission(Permissions.ChartsBreakGlass)]
public sealed class BreakGlassHandler(
    PermissionCheck permissions,
    HimDbContext db,
    ChartGate gate,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<BreakGlassCommand> validator,
    IOptions<AccessOptions> options,
    TimeProvider clock) : Handler<BreakGlassCommand, Result<BreakGlassGrant>>(permissions)
{
    protected override async Task<Result<BreakGlassGrant>> ExecuteAsync(BreakGlassCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var actor = actors.Current;
        // Break-the-glass is a person's attestation, never a job's.
        if (actor.UserId is not { } userId)
        {
            return Error.Forbidden();
        }

        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            var first = validation.Errors[0];
            return Error.Invalid(validation);
        }

        var duration = options.Value.BreakGlassDuration;
        return await db.InTransactionAsync<Result<BreakGlassGrant>>(async token =>
        {
            var entry = await gate.OpenAsync(command.PatientId, token);
            if (entry is null)
            {
                return Error.NotFound();
            }

            if (entry.Access is { IsGranted: true, BreakGlassId: { } current, BreakGlassUntil: { } until })
            {
                // Already inside a grant (a double submit): nothing new to record.
                return Result<BreakGlassGrant>.Success(new BreakGlassGrant(current, until));
            }

            if (entry.Access.IsGranted)
            {
                return AccessErrors.BreakGlassNotNeeded;
            }

            if (entry.Access.Outcome != ChartAccessOutcome.BreakGlassRequired)
            {
                // The rules refuse this reader outright (an account that also holds Administrator): the glass is not theirs to break.
                await audit.RecordAsync(new AuditRecord(AuditAction.BreakGlass, AuditOutcome.Denied, "Chart", null, command.PatientId,
                    Purpose: entry.Access.Reason, Details: "outcome=denied"), token);
                return AccessErrors.BreakGlassNotOffered;
            }

            var now = clock.GetUtcNow();
            var reason = BreakGlassReasons.Label(command.ReasonCode!)!;
            var text = string.IsNullOrWhiteSpace(command.ReasonText) ? null : command.ReasonText.Trim();
            var grant = new BreakGlassAccess
            {
                Id = Guid.CreateVersion7(now),
                UserId = userId,
                PatientId = command.PatientId,
                ReasonCode = command.ReasonCode!,
                ReasonText = text,
                Attestation = BreakGlassReasons.Attestation,
                GrantedAt = now,
                ExpiresAt = now + duration,
            };
            var row = await audit.RecordAsync(new AuditRecord(AuditAction.BreakGlass, AuditOutcome.Success, "Chart", grant.Id.ToString("D"),
                command.PatientId,
                Purpose: text is null ? reason : $"{reason}: {text}",
                Details: $"attested; until={grant.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}; was={entry.Access.Reason}"), token);
            grant.AuditEventId = row.Id;
            db.BreakGlassAccesses.Add(grant);
            await db.SaveChangesAsync(token);
            return Result<BreakGlassGrant>.Success(new BreakGlassGrant(grant.Id, grant.ExpiresAt));
        }, ct);
    }
}
