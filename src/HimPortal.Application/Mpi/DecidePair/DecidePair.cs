using System.Globalization;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Application.Patients.Matching;
using HimPortal.Data;
using HimPortal.Data.Mpi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Mpi.DecidePair;

/// <param name="Decision"><see cref="PairDecisions.SamePerson"/>, <see cref="PairDecisions.NotSamePerson"/> or <see cref="PairDecisions.NeedsResearch"/>.</param>
/// <param name="Version">The pair's version the reviewer saw: a decision on a pair changed since changes nothing.</param>
public sealed record DecidePairCommand(long PairId, string? Decision, string? Note, uint Version);

/// <param name="PersonId">The person the records now form, when they were linked.</param>
public sealed record PairDecided(long PairId, string Status, Guid? PersonId, Guid RecordA, Guid RecordB);

public sealed class DecidePairValidator : AbstractValidator<DecidePairCommand>
{
    public DecidePairValidator()
    {
        RuleFor(c => c.Decision).Must(d => d is PairDecisions.SamePerson or PairDecisions.NotSamePerson or PairDecisions.NeedsResearch)
            .WithMessage("Choose same person, not the same person, or needs research.");
        RuleFor(c => c.Note).NotEmpty().When(c => c.Decision == PairDecisions.NeedsResearch)
            .WithMessage("Say what needs researching (charts to pull, whom to call).");
        RuleFor(c => c.Note).MaximumLength(2000);
    }
}

/// <summary>Whether a link of two records that both hold clinical data needs a second reviewer (the matcher's settings).</summary>
public static class SecondReviewer
{
    /// <summary>The manager's setting (mpi.match_settings, its defaults when never saved: on, the safe side of a link that mixes two charts).</summary>
    public static async Task<bool> RequiredAsync(HimDbContext db, CancellationToken ct) =>
        (await MatchSettingsStore.ReadAsync(db, ct)).SecondReviewerForClinicalData;
}

/// <summary>
/// A reviewer's decision on a pair (issue 16 item 3), in one transaction with optimistic concurrency on the pair: "same
/// person" links the records through the clinical-record writer (ADR 0015) — or, when both records hold clinical data and
/// the setting asks for it, records the first review and waits for a different reviewer; "not the same person" keeps the
/// pair apart for good (the matcher never proposes a decided pair again); "needs research" keeps it on the worklist,
/// marked, with the note. Each decision is a <see cref="PairDecision"/> row and an audit row under each patient. A first
/// reviewer trying to confirm their own first review is refused, and the refusal audited.
/// </summary>
[RequiresPermission(Permissions.MpiReview)]
public sealed class DecidePairHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<DecidePairCommand> validator,
    TimeProvider clock) : Handler<DecidePairCommand, Result<PairDecided>>(permissions)
{
    protected override async Task<Result<PairDecided>> ExecuteAsync(DecidePairCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var actor = actors.Current;
        Result<PairDecided> result;
        try
        {
            result = await db.InTransactionAsync(token => DecideAsync(command, actor, token), ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return MpiErrors.StalePair;
        }

        if (result.Error is { Code: "same-reviewer" } refused)
        {
            // Refused after the permission check: audited here, alone, since nothing else was written.
            await audit.RecordAloneAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Denied, "CandidatePair",
                command.PairId.ToString(CultureInfo.InvariantCulture), Purpose: "HOPERAT", Details: "second review refused: " + refused.Message), ct);
        }

        return result;
    }

    private async Task<Result<PairDecided>> DecideAsync(DecidePairCommand command, AuditActor actor, CancellationToken ct)
    {
        var pair = await db.CandidatePairs.SingleOrDefaultAsync(p => p.Id == command.PairId, ct);
        if (pair is null)
        {
            return MpiErrors.NoSuchPair;
        }

        if (pair.Version != command.Version)
        {
            return MpiErrors.StalePair;
        }

        if (!PairStatuses.Open.Contains(pair.Status))
        {
            return MpiErrors.Decided;
        }

        var now = clock.GetUtcNow();
        var note = string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim();
        db.Entry(pair).Property(p => p.Version).OriginalValue = command.Version;
        Guid? person = null;
        string decision;
        switch (command.Decision)
        {
            case PairDecisions.SamePerson:
                if (await SecondReviewer.RequiredAsync(db, ct)
                    && (await RecordContents.ReadAsync(db, [pair.RecordA, pair.RecordB], ct)).Values.All(c => c.HoldsClinicalData))
                {
                    if (pair.Status != PairStatuses.AwaitingSecond)
                    {
                        pair.Status = PairStatuses.AwaitingSecond;
                        pair.FirstReviewerUserId = actor.UserId;
                        pair.FirstReviewedAt = now;
                        pair.DecisionNote = note;
                        decision = PairDecisions.FirstReview;
                        break;
                    }

                    if (actor.UserId is null || pair.FirstReviewerUserId == actor.UserId)
                    {
                        return MpiErrors.SameReviewer;
                    }
                }

                pair.Status = PairStatuses.Linked;
                decision = PairDecisions.SamePerson;
                Decided(pair, actor, now, note);
                // The pair row is saved with the writer's first save: a stale version throws there and nothing is linked.
                person = await ClinicalRecordWriter.LinkAsync(db, pair.RecordA, pair.RecordB,
                    new LinkReason(actor.UserId, Clip($"same person (pair {pair.Id})" + (note is null ? "" : ": " + note)), pair.Id), now, ct);
                break;
            case PairDecisions.NotSamePerson:
                pair.Status = PairStatuses.NotDuplicate;
                decision = PairDecisions.NotSamePerson;
                Decided(pair, actor, now, note);
                break;
            default:
                pair.Status = PairStatuses.Research;
                decision = PairDecisions.NeedsResearch;
                Decided(pair, actor, now, note);
                break;
        }

        db.PairDecisions.Add(new PairDecision { PairId = pair.Id, Decision = decision, UserId = actor.UserId, DecidedAt = now, Score = pair.Score, Note = note });
        await db.SaveChangesAsync(ct);
        foreach (var (patient, other) in new[] { (pair.RecordA, pair.RecordB), (pair.RecordB, pair.RecordA) })
        {
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "CandidatePair", pair.Id.ToString(CultureInfo.InvariantCulture),
                patient, "HOPERAT", $"duplicate pair decision {decision}; status={pair.Status}; other record {other:D}"
                                    + (person is { } p ? $"; person {p:D}" : "") + (note is null ? "" : "; note: " + note)), ct);
        }

        return Result<PairDecided>.Success(new PairDecided(pair.Id, pair.Status, person, pair.RecordA, pair.RecordB));
    }

    private static void Decided(CandidatePair pair, AuditActor actor, DateTimeOffset now, string? note)
    {
        pair.DecidedByUserId = actor.UserId;
        pair.DecidedAt = now;
        pair.DecisionNote = note;
    }

    private static string Clip(string reason) => reason.Length <= 400 ? reason : reason[..400];
}
