using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Accounting.SuspendAccounting;

/// <summary>An agency's request to suspend the patient's accounting of disclosures to it (164.528(a)(2)).</summary>
public sealed record SuspendAccountingCommand(Guid PatientId, string? Agency, string? Statement, bool Oral, DateOnly? From, DateOnly? Until) : IPatientRequest;

public sealed class SuspendAccountingValidator : AbstractValidator<SuspendAccountingCommand>
{
    /// <summary>An oral statement suspends for at most 30 days unless a written one follows (164.528(a)(2)(ii)).</summary>
    public const int OralDays = 30;

    public SuspendAccountingValidator()
    {
        RuleFor(c => c.Agency).NotEmpty().WithMessage("Name the health oversight or law enforcement agency.").MaximumLength(200);
        RuleFor(c => c.Statement).NotEmpty()
            .WithMessage("Record the agency's statement: that an accounting would be reasonably likely to impede its activities, and for how long (for an oral one, the official's identity).")
            .MaximumLength(2000);
        RuleFor(c => c.From).NotNull().WithMessage("Enter the date the suspension starts.");
        RuleFor(c => c.Until).NotNull().WithMessage("Enter the date the suspension ends: a written statement gives it.");
        RuleFor(c => c.Until).GreaterThanOrEqualTo(c => c.From).When(c => c.From is not null && c.Until is not null)
            .WithMessage("The suspension ends before it starts.");
        RuleFor(c => c.Until).Must((c, until) => until <= c.From!.Value.AddDays(OralDays))
            .When(c => c.Oral && c.From is not null && c.Until is not null)
            .WithMessage($"An oral statement suspends for at most {OralDays} days unless the agency gives a written one (45 CFR 164.528(a)(2)(ii)).");
    }
}

[RequiresPermission(Permissions.RoiProcess)]
public sealed class SuspendAccountingHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    TimeProvider time,
    IValidator<SuspendAccountingCommand> validator) : Handler<SuspendAccountingCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(SuspendAccountingCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<Guid>>(async token =>
        {
            if (!await db.Set<Patient>().AnyAsync(p => p.Id == command.PatientId, token))
            {
                return Error.NotFound("There is no such patient.");
            }

            var suspension = new AccountingSuspension
            {
                Id = Guid.CreateVersion7(),
                PatientId = command.PatientId,
                Agency = command.Agency!.Trim(),
                Statement = command.Statement!.Trim(),
                Oral = command.Oral,
                From = command.From!.Value,
                Until = command.Until!.Value,
                RecordedAt = time.GetUtcNow(),
                RecordedByUserId = actors.Current.UserId,
            };
            db.AccountingSuspensions.Add(suspension);
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, GetAccounting.GetAccountingHandler.ResourceType,
                command.PatientId.ToString("D"), command.PatientId, "release of information",
                $"accounting suspended {suspension.From:yyyy-MM-dd}..{suspension.Until:yyyy-MM-dd} ({(command.Oral ? "oral" : "written")} statement)"), token);
            return Result<Guid>.Success(suspension.Id);
        }, ct);
    }
}
