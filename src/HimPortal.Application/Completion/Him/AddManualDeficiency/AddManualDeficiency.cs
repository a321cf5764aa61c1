using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Him.AddManualDeficiency;

/// <param name="PractitionerId">One of the stay's practitioners, or null to give <paramref name="Practitioner"/>.</param>
/// <param name="Practitioner">Any practitioner by NPI or name; both empty leaves it on the HIM queue.</param>
/// <param name="Due">The day it is due (the hospital's day; due at its end).</param>
public sealed record AddManualDeficiencyCommand(Guid EncounterId, string Description, Guid? PractitionerId, string? Practitioner, DateOnly? Due);

public sealed class AddManualDeficiencyValidator : AbstractValidator<AddManualDeficiencyCommand>
{
    public AddManualDeficiencyValidator()
    {
        RuleFor(c => c.Description).NotEmpty().WithMessage("Describe what the record lacks.")
            .MaximumLength(500).WithMessage("The description is at most 500 characters.");
        RuleFor(c => c.Practitioner).MaximumLength(200).WithMessage("A name or NPI is at most 200 characters.");
        RuleFor(c => c.Due).NotNull().WithMessage("Give the day it is due.");
    }
}

/// <summary>
/// An HIM analyst adds a deficiency the rules do not find (issue 18 item 2: "HIM analysts add manual deficiencies"): kind
/// manual, no rule (the analysis never touches it), owed by the practitioner named (AssignedByHim) or left on the HIM
/// queue; due at the end of the day given; a stay already marked complete becomes incomplete again. Audited as
/// completion.manual; the stay's counts follow.
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class AddManualDeficiencyHandler(
    PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock, HospitalTime hospital,
    IValidator<AddManualDeficiencyCommand> validator)
    : Handler<AddManualDeficiencyCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(AddManualDeficiencyCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<Guid>>(async token =>
        {
            var stay = await db.Stays.AsNoTracking().SingleOrDefaultAsync(s => s.EncounterId == command.EncounterId, token);
            if (stay is null)
            {
                return Error.NotFound("There is no such stay in chart completion.");
            }

            if (command.Due!.Value < hospital.DayOf(stay.DischargedAt))
            {
                return Error.Invalid("The due day cannot be before the discharge.", nameof(command.Due));
            }

            Guid? responsible = null;
            if (command.PractitionerId is not null || !string.IsNullOrWhiteSpace(command.Practitioner))
            {
                var practitioner = await HimStays.PractitionerAsync(db, command.PractitionerId, command.Practitioner, nameof(command.Practitioner), token);
                if (practitioner.Error is { } unknown)
                {
                    return unknown;
                }

                responsible = practitioner.Value!.Id;
            }

            var now = clock.GetUtcNow();
            var id = Guid.CreateVersion7(now);
            db.Deficiencies.Add(new Deficiency
            {
                Id = id, EncounterId = stay.EncounterId, PatientId = stay.PatientId, RuleId = null, Key = $"manual:{id:N}", Kind = DeficiencyKinds.Manual,
                Description = command.Description.Trim(), ResponsiblePractitionerId = responsible, AssignedByHim = responsible is not null,
                Status = DeficiencyStatuses.Open, DischargedAt = stay.DischargedAt, DueAt = hospital.StartOf(command.Due.Value.AddDays(1)), CreatedAt = now,
            });
            HimStays.AddEvent(db, id, now, "created", actors.Current.UserId, responsible, "added by HIM");
            await db.SaveChangesAsync(token);
            await HimStays.RecountAsync(db, stay.EncounterId, token);
            await audit.RecordAsync(HimAudit.Of(AuditAction.Create, stay.EncounterId, stay.PatientId, "manual",
                $"deficiency {id:D}; responsible {responsible?.ToString("D") ?? "HIM queue"}; due {command.Due.Value:yyyy-MM-dd}"), token);
            return Result<Guid>.Success(id);
        }, ct);
    }
}
