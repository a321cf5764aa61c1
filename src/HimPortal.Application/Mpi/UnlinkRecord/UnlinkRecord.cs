using System.Globalization;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Mpi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Mpi.UnlinkRecord;

/// <param name="LinkId">The record's live link the reviewer saw: if it has been closed since, nothing changes.</param>
public sealed record UnlinkRecordCommand(Guid PatientId, long LinkId, string? Reason) : IPatientRequest;

/// <param name="Records">The records the person held before the unlink.</param>
public sealed record RecordUnlinked(Guid PatientId, IReadOnlyList<Guid> Records, IReadOnlyList<long> Pairs);

public sealed class UnlinkRecordValidator : AbstractValidator<UnlinkRecordCommand>
{
    public UnlinkRecordValidator()
    {
        // The reason stays on the closed link and the pair (ADR 0015): it must say what showed the link was wrong.
        RuleFor(c => c.Reason).Must(r => r?.Trim().Length is >= 10 and <= 2000)
            .WithMessage("Say in 10 to 2000 characters why the record is not this person's (what showed the link was wrong).");
    }
}

/// <summary>
/// Takes a record out of its person (issue 16 item 4), in one transaction: the clinical-record writer closes the link
/// (never deletes it) and bumps every record's version, so each record reads exactly as before the link; each pair
/// whose link joined this record to the person's others becomes <see cref="PairStatuses.Unlinked"/> with a
/// <see cref="PairDecisions.Unlinked"/> row, so the matcher keeps them apart from then on. Audited under every record
/// the person held.
/// </summary>
[RequiresPermission(Permissions.MpiReview)]
public sealed class UnlinkRecordHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<UnlinkRecordCommand> validator,
    TimeProvider clock) : Handler<UnlinkRecordCommand, Result<RecordUnlinked>>(permissions)
{
    protected override async Task<Result<RecordUnlinked>> ExecuteAsync(UnlinkRecordCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var actor = actors.Current;
        var reason = command.Reason!.Trim();
        var now = clock.GetUtcNow();
        return await db.InTransactionAsync<Result<RecordUnlinked>>(async token =>
        {
            if (!await db.PersonLinks.AnyAsync(l => l.Id == command.LinkId && l.PatientId == command.PatientId && l.UnlinkedAt == null, token))
            {
                return MpiErrors.NotLinked;
            }

            var held = await ClinicalRecordWriter.UnlinkAsync(db, command.PatientId, new LinkReason(actor.UserId, reason, null), now, token);
            if (held.Count == 0)
            {
                return MpiErrors.NotLinked;
            }

            var others = held.Where(r => r != command.PatientId).ToArray();
            var pairs = await db.CandidatePairs
                .Where(p => p.Status == PairStatuses.Linked
                            && ((p.RecordA == command.PatientId && others.Contains(p.RecordB)) || (p.RecordB == command.PatientId && others.Contains(p.RecordA))))
                .ToListAsync(token);
            foreach (var pair in pairs)
            {
                pair.Status = PairStatuses.Unlinked;
                pair.DecidedByUserId = actor.UserId;
                pair.DecidedAt = now;
                pair.DecisionNote = reason;
                db.PairDecisions.Add(new PairDecision { PairId = pair.Id, Decision = PairDecisions.Unlinked, UserId = actor.UserId, DecidedAt = now, Score = pair.Score, Note = reason });
            }

            await db.SaveChangesAsync(token);
            var pairIds = pairs.Select(p => p.Id).ToList();
            foreach (var record in held)
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "PersonLink", command.LinkId.ToString(CultureInfo.InvariantCulture),
                    record, "HOPERAT", (record == command.PatientId ? "unlinked from its person" : $"record {command.PatientId:D} unlinked from this record's person")
                                       + $"; pairs={string.Join(',', pairIds)}; reason: {reason}"), token);
            }

            return Result<RecordUnlinked>.Success(new RecordUnlinked(command.PatientId, held, pairIds));
        }, ct);
    }
}
