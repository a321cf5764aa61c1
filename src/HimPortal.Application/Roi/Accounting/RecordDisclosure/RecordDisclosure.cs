using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Accounting.RecordDisclosure;

/// <summary>
/// A disclosure made outside HimPortal (by telephone to public health, a chart shown to a surveyor), entered by hand
/// (164.528(b)(2)); or a correction of an earlier row (<paramref name="CorrectsId"/>): the ledger is never edited.
/// </summary>
public sealed record RecordDisclosureCommand(
    Guid PatientId,
    DateOnly? DisclosedOn,
    string? RecipientName,
    string? RecipientAddress,
    string? Description,
    string? Purpose,
    string? LegalBasis,
    Guid? CorrectsId = null) : IPatientRequest;

public sealed class RecordDisclosureValidator : AbstractValidator<RecordDisclosureCommand>
{
    public RecordDisclosureValidator()
    {
        RuleFor(c => c.DisclosedOn).NotNull().WithMessage("Enter the date of the disclosure.");
        RuleFor(c => c.RecipientName).NotEmpty().WithMessage("Enter who received the information.").MaximumLength(200);
        RuleFor(c => c.RecipientAddress).MaximumLength(500).WithMessage("The address is at most 500 characters.");
        RuleFor(c => c.Description).NotEmpty().WithMessage("Describe briefly what was disclosed.").MaximumLength(1000);
        RuleFor(c => c.Purpose).NotEmpty().WithMessage("State the purpose briefly (or summarise the written request).").MaximumLength(1000);
        RuleFor(c => c.LegalBasis).Must(b => b is not null && AccountingLegalBases.All.Contains(b))
            .WithMessage("Choose the rule the disclosure was made under (45 CFR 164.512), or mark it impermissible.");
    }
}

/// <summary>Records a hand-entered disclosure in the patient's accounting (always accountable: the 164.512 purposes, or impermissible).</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class RecordDisclosureHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    DisclosureLedger ledger,
    HospitalTime hospital,
    TimeProvider time,
    IValidator<RecordDisclosureCommand> validator) : Handler<RecordDisclosureCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(RecordDisclosureCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var today = hospital.DayOf(time.GetUtcNow());
        var day = command.DisclosedOn!.Value;
        if (day > today)
        {
            return Error.Invalid("The date is in the future.", nameof(RecordDisclosureCommand.DisclosedOn));
        }

        if (day < today.AddYears(-AccountingLedger.Years))
        {
            return Error.Invalid("The accounting keeps six years (45 CFR 164.530(j)): this date is older.", nameof(RecordDisclosureCommand.DisclosedOn));
        }

        return await db.InTransactionAsync<Result<Guid>>(async token =>
        {
            if (!await db.Set<Patient>().AnyAsync(p => p.Id == command.PatientId, token))
            {
                return Error.NotFound("There is no such patient.");
            }

            if (command.CorrectsId is { } corrects && !await db.Disclosures.AnyAsync(d => d.Id == corrects && d.PatientId == command.PatientId, token))
            {
                return Error.Invalid("The disclosure to correct is not one of this patient's.", nameof(RecordDisclosureCommand.CorrectsId));
            }

            var impermissible = command.LegalBasis == AccountingLegalBases.Impermissible;
            var row = ledger.Add(new DisclosureEntry(command.PatientId, hospital.StartOf(day).AddHours(12), command.RecipientName!.Trim(),
                string.IsNullOrWhiteSpace(command.RecipientAddress) ? null : command.RecipientAddress.Trim(), command.Description!.Trim(),
                command.Purpose!.Trim(), command.LegalBasis!, DisclosureSources.Manual, Accountable: true, Impermissible: impermissible,
                CorrectsId: command.CorrectsId));
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, GetAccounting.GetAccountingHandler.ResourceType,
                command.PatientId.ToString("D"), command.PatientId, "release of information",
                command.CorrectsId is { } id ? $"disclosure {row.Id:D} entered by hand, correcting {id:D}" : $"disclosure {row.Id:D} entered by hand"), token);
            return Result<Guid>.Success(row.Id);
        }, ct);
    }
}
