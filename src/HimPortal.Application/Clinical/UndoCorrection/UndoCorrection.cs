using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical.Corrections;
using HimPortal.Application.Common;
using HimPortal.Data;
using Npgsql;

namespace HimPortal.Application.Clinical.UndoCorrection;

public sealed record UndoCorrectionCommand(Guid CorrectionId, string? Reason);

public sealed class UndoCorrectionValidator : AbstractValidator<UndoCorrectionCommand>
{
    public UndoCorrectionValidator()
    {
        RuleFor(c => c.CorrectionId).NotEmpty().WithMessage("Choose the correction to undo.");
        RuleFor(c => c.Reason).Must(r => r?.Trim().Length is >= 10 and <= 1000)
            .WithMessage("Explain why the correction is undone in 10 to 1000 characters (it stays with the record).");
    }
}

/// <summary>
/// Undoes a correction exactly (ADR 0015): its originals back in force in the first record, its copies entered-in-error
/// in the second, both records' versions bumped; one audit row per patient in the same transaction. A correction is
/// undone once; its copies must not have been corrected again since.
/// </summary>
[RequiresPermission(Permissions.RecordsCorrect)]
public sealed class UndoCorrectionHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<UndoCorrectionCommand> validator,
    TimeProvider clock) : Handler<UndoCorrectionCommand, Result<CorrectionWritten>>(permissions)
{
    protected override async Task<Result<CorrectionWritten>> ExecuteAsync(UndoCorrectionCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var actor = actors.Current;
        var reason = command.Reason!.Trim();
        try
        {
            return await db.InTransactionAsync(async token =>
            {
                var undone = await ClinicalRecordWriter.UndoCorrectionAsync(db, new UndoCorrectionRequest(command.CorrectionId, reason,
                    new Corrector(actor.UserId, actor.UserName ?? "unknown"), clock.GetUtcNow()), token);
                if (undone.Value is not { } correction)
                {
                    return undone;
                }

                var details = $"undo of correction={correction.CorrectionId:D}; items={correction.Counts}; reason={reason}";
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "Correction", correction.CorrectionId.ToString("D"),
                    correction.FromPatientId, Purpose: "HOPERAT", Details: $"items back from patient {correction.ToPatientId:D}; {details}"), token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "Correction", correction.CorrectionId.ToString("D"),
                    correction.ToPatientId, Purpose: "HOPERAT", Details: $"items back to patient {correction.FromPatientId:D}; {details}"), token);
                return undone;
            }, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // A copy corrected again at the same moment: one of the two is let in; this one changes nothing.
            return CorrectionErrors.Conflict;
        }
    }
}
