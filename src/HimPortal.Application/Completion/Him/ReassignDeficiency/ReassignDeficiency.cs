using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;

namespace HimPortal.Application.Completion.Him.ReassignDeficiency;

/// <param name="PractitionerId">A practitioner picked from the stay's (or null to give <paramref name="Practitioner"/>).</param>
/// <param name="Practitioner">Any practitioner by NPI or by a name that fits one.</param>
/// <param name="Version">The deficiency's version the analyst saw.</param>
public sealed record ReassignDeficiencyCommand(Guid DeficiencyId, Guid? PractitionerId, string? Practitioner, string? Note, uint Version);

public sealed class ReassignDeficiencyValidator : AbstractValidator<ReassignDeficiencyCommand>
{
    public ReassignDeficiencyValidator()
    {
        RuleFor(c => c.Practitioner).NotEmpty().When(c => c.PractitionerId is null)
            .WithMessage("Pick one of the stay's practitioners, or give another's NPI or name.");
        RuleFor(c => c.Practitioner).MaximumLength(200).WithMessage("A name or NPI is at most 200 characters.");
        RuleFor(c => c.Note).MaximumLength(1000).WithMessage("The note is at most 1000 characters.");
    }
}

/// <summary>
/// An HIM analyst assigns a deficiency (unassigned, refused, or owed by someone else) to a practitioner (issue 18 item 2:
/// "HIM analysts … reassign them"): AssignedByHim, so the analysis keeps it; a refusal's reason is cleared (it stays in
/// the history); an event; the version checked; audited as completion.reassign.
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class ReassignDeficiencyHandler(
    PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock, IValidator<ReassignDeficiencyCommand> validator)
    : Handler<ReassignDeficiencyCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(ReassignDeficiencyCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await Versioned.InTransactionAsync<bool>(db, HimAudit.Stale, async token =>
        {
            var found = await HimStays.OpenDeficiencyAsync(db, command.DeficiencyId, command.Version, token);
            if (found.Error is { } error)
            {
                return error;
            }

            var practitioner = await HimStays.PractitionerAsync(db, command.PractitionerId, command.Practitioner, nameof(command.Practitioner), token);
            if (practitioner.Error is { } unknown)
            {
                return unknown;
            }

            var deficiency = found.Value!;
            var now = clock.GetUtcNow();
            var previous = deficiency.ResponsiblePractitionerId;
            deficiency.ResponsiblePractitionerId = practitioner.Value!.Id;
            deficiency.AssignedByHim = true;
            deficiency.RefusalReason = null;
            HimStays.AddEvent(db, deficiency.Id, now, previous is null ? "assigned" : "reassigned", actors.Current.UserId, practitioner.Value.Id,
                string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim());
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(HimAudit.Of(AuditAction.Update, deficiency.EncounterId, deficiency.PatientId, "reassign",
                $"deficiency {deficiency.Id:D}; from {previous?.ToString("D") ?? "HIM queue"} to practitioner {practitioner.Value.Id:D}"), token);
            return Result<bool>.Success(true);
        }, ct);
    }
}
