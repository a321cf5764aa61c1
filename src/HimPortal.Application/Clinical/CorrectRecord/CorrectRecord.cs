using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical.Corrections;
using HimPortal.Application.Common;
using HimPortal.Data;
using Npgsql;

namespace HimPortal.Application.Clinical.CorrectRecord;

/// <summary>Moves items misfiled in <paramref name="FromPatientId"/>'s record to <paramref name="ToPatientId"/>'s.</summary>
/// <param name="Items">The items to move (an encounter with what refers to it: <see cref="ClinicalRecordWriter.ItemsOfEncounterAsync"/>).</param>
/// <param name="Source">Where the correction comes from: the misfile incident, the MPI overlay review.</param>
/// <param name="RecordVersion">The version of the first patient's record the corrector looked at (the chart's
/// <c>ChartEntry.Version.Record</c>): if it has changed since, so may the items, and the correction is refused.</param>
public sealed record CorrectRecordCommand(
    Guid FromPatientId,
    Guid ToPatientId,
    IReadOnlyList<RecordItem> Items,
    string? Reason,
    string? Source,
    long RecordVersion) : IPatientRequest
{
    Guid IPatientRequest.PatientId => FromPatientId;
}

public sealed class CorrectRecordValidator : AbstractValidator<CorrectRecordCommand>
{
    public CorrectRecordValidator()
    {
        RuleFor(c => c.ToPatientId).NotEmpty().WithMessage("Choose the patient the items belong to.");
        RuleFor(c => c.ToPatientId).NotEqual(c => c.FromPatientId).WithMessage(CorrectionErrors.SamePatient.Message);
        RuleFor(c => c.Items).NotEmpty().WithMessage(CorrectionErrors.NoItems.Message);
        RuleForEach(c => c.Items).Must(i => i is not null && !string.IsNullOrWhiteSpace(i.ResourceType) && i.Id != Guid.Empty)
            .WithMessage("Each item needs its type and key.");
        RuleFor(c => c.Reason).Must(r => r?.Trim().Length is >= 10 and <= 1000)
            .WithMessage("Explain the correction in 10 to 1000 characters (it stays with the record).");
        RuleFor(c => c.Source).Must(s => !string.IsNullOrWhiteSpace(s))
            .WithMessage("Say where the correction comes from (the misfile incident, the MPI overlay review).");
        RuleFor(c => c.Source).MaximumLength(200);
    }
}

/// <summary>
/// HIM staff correct a misfile or an overlay: the writer marks the items entered-in-error in the first record and copies
/// them under the second with provenance (ADR 0015); the items' sensitivity labels go with the copies, so segmentation
/// (42 CFR Part 2, psychotherapy notes) is not lost on the way; one audit row per patient, each naming the other, in the
/// same transaction. A record amended, never rewritten (42 CFR 482.24(c)).
/// </summary>
[RequiresPermission(Permissions.RecordsCorrect)]
public sealed class CorrectRecordHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<CorrectRecordCommand> validator,
    TimeProvider clock) : Handler<CorrectRecordCommand, Result<CorrectionWritten>>(permissions)
{
    protected override async Task<Result<CorrectionWritten>> ExecuteAsync(CorrectRecordCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var actor = actors.Current;
        var reason = command.Reason!.Trim();
        var source = command.Source!.Trim();
        var now = clock.GetUtcNow();
        try
        {
            return await db.InTransactionAsync(async token =>
            {
                var written = await ClinicalRecordWriter.CorrectAsync(db, new CorrectionRequest(command.FromPatientId, command.ToPatientId,
                    command.Items, reason, source, new Corrector(actor.UserId, actor.UserName ?? "unknown"), now, command.RecordVersion), token);
                if (written.Value is not { } correction)
                {
                    // The writer refuses before it writes anything.
                    return written;
                }

                await CorrectionLabels.CarryAsync(db, correction, now, actor.UserId, token);
                var details = $"correction={correction.CorrectionId:D}; items={correction.Counts}; source={source}; reason={reason}";
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "Correction", correction.CorrectionId.ToString("D"),
                    correction.FromPatientId, Purpose: "HOPERAT", Details: $"moved to patient {correction.ToPatientId:D}; {details}"), token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "Correction", correction.CorrectionId.ToString("D"),
                    correction.ToPatientId, Purpose: "HOPERAT", Details: $"moved from patient {correction.FromPatientId:D}; {details}"), token);
                return written;
            }, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Two corrections of one item at once: the index of marks in force lets one in; the other changes nothing.
            return CorrectionErrors.Conflict;
        }
    }
}
