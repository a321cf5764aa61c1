using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Him.Leave;

public sealed record ListLeaveQuery;

public sealed record LeaveRow(Guid Id, Guid PractitionerId, string Practitioner, DateOnly From, DateOnly Until, string Reason, DateTimeOffset RecordedAt,
    DateTimeOffset? CancelledAt, uint Version);

/// <param name="PractitionerId">A practitioner picked by key, or null to give <paramref name="Practitioner"/> (NPI or name).</param>
public sealed record RecordLeaveCommand(Guid? PractitionerId, string? Practitioner, DateOnly? From, DateOnly? Until, string Reason);

public sealed record CancelLeaveCommand(Guid LeaveId, uint Version);

public sealed class RecordLeaveValidator : AbstractValidator<RecordLeaveCommand>
{
    public RecordLeaveValidator()
    {
        RuleFor(c => c.Practitioner).NotEmpty().When(c => c.PractitionerId is null).WithMessage("Give the physician's NPI or name.");
        RuleFor(c => c.Practitioner).MaximumLength(200).WithMessage("A name or NPI is at most 200 characters.");
        RuleFor(c => c.From).NotNull().WithMessage("Give the first day of leave.");
        RuleFor(c => c.Until).NotNull().WithMessage("Give the last day of leave.");
        RuleFor(c => c).Must(c => c.From is null || c.Until is null || c.From <= c.Until).WithName(nameof(RecordLeaveCommand.Until))
            .WithMessage("The last day of leave cannot be before the first.");
        RuleFor(c => c).Must(c => c.From is null || c.Until is null || c.Until.Value.DayNumber - c.From.Value.DayNumber <= 366).WithName(nameof(RecordLeaveCommand.Until))
            .WithMessage("Leave is recorded a year at most at a time.");
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Give the reason (vacation, sick leave, conference…).")
            .MaximumLength(200).WithMessage("The reason is at most 200 characters.");
    }
}

/// <summary>The physicians' leave, newest first: what is in force or to come, and the last past or cancelled (the history stays).</summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class ListLeaveHandler(PermissionCheck permissions, HimDbContext db) : Handler<ListLeaveQuery, Result<IReadOnlyList<LeaveRow>>>(permissions)
{
    protected override async Task<Result<IReadOnlyList<LeaveRow>>> ExecuteAsync(ListLeaveQuery query, CancellationToken ct)
    {
        var rows = await (
                from l in db.PhysicianLeaves.AsNoTracking().OrderByDescending(l => l.Until).ThenByDescending(l => l.Id).Take(200)
                join p in db.Set<Practitioner>() on l.PractitionerId equals p.Id
                select new { l, p.GivenNames, p.FamilyName, p.Npi })
            .ToListAsync(ct);
        return Result<IReadOnlyList<LeaveRow>>.Success([.. rows.Select(r => new LeaveRow(r.l.Id, r.l.PractitionerId, HimAudit.Name(r.GivenNames, r.FamilyName, r.Npi),
            r.l.From, r.l.Until, r.l.Reason, r.l.RecordedAt, r.l.CancelledAt, r.l.Version))]);
    }
}

/// <summary>
/// HIM records a physician's leave (issue 18 item 2: "a physician's recorded leave pauses their deadlines, as the bylaws
/// configure"). Leave moves due dates, so the stays where the physician owes something open are queued for analysis in
/// the same transaction. Audited as completion.leave (no patient data).
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class RecordLeaveHandler(
    PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock, IValidator<RecordLeaveCommand> validator)
    : Handler<RecordLeaveCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(RecordLeaveCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<Guid>>(async token =>
        {
            var practitioner = await HimStays.PractitionerAsync(db, command.PractitionerId, command.Practitioner, nameof(command.Practitioner), token);
            if (practitioner.Error is { } unknown)
            {
                return unknown;
            }

            var physician = practitioner.Value!.Id;
            if (await db.PhysicianLeaves.AnyAsync(l => l.PractitionerId == physician && l.CancelledAt == null && l.From <= command.Until && l.Until >= command.From, token))
            {
                return Error.Invalid("This physician already has leave recorded on some of these days: cancel it first.", nameof(command.From));
            }

            var now = clock.GetUtcNow();
            var leave = new PhysicianLeave
            {
                Id = Guid.CreateVersion7(now), PractitionerId = physician, From = command.From!.Value, Until = command.Until!.Value, Reason = command.Reason.Trim(),
                RecordedAt = now, RecordedBy = actors.Current.UserId ?? Guid.Empty,
            };
            db.PhysicianLeaves.Add(leave);
            await db.SaveChangesAsync(token);
            var queued = await LeaveStays.QueueAsync(db, physician, "leave-recorded", now, token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, LeaveStays.ResourceType, leave.Id.ToString("D"), Purpose: HimAudit.Purpose,
                Details: $"completion.leave; practitioner {physician:D}; {leave.From:yyyy-MM-dd} to {leave.Until:yyyy-MM-dd}; {queued} stays queued for analysis"), token);
            return Result<Guid>.Success(leave.Id);
        }, ct);
    }
}

/// <summary>HIM cancels recorded leave (it stays, marked cancelled); the physician's open stays are queued for analysis again, since their due dates move back.</summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class CancelLeaveHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, TimeProvider clock)
    : Handler<CancelLeaveCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(CancelLeaveCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await Versioned.InTransactionAsync<bool>(db, HimAudit.Stale, async token =>
        {
            var leave = await db.PhysicianLeaves.SingleOrDefaultAsync(l => l.Id == command.LeaveId, token);
            if (leave is null)
            {
                return Error.NotFound("There is no such leave.");
            }

            if (leave.Version != command.Version)
            {
                return HimAudit.Stale;
            }

            if (leave.CancelledAt is not null)
            {
                return Error.Conflict("The leave is cancelled already.");
            }

            var now = clock.GetUtcNow();
            db.Entry(leave).Property(l => l.Version).OriginalValue = command.Version;
            leave.CancelledAt = now;
            await db.SaveChangesAsync(token);
            var queued = await LeaveStays.QueueAsync(db, leave.PractitionerId, "leave-cancelled", now, token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, LeaveStays.ResourceType, leave.Id.ToString("D"), Purpose: HimAudit.Purpose,
                Details: $"completion.leave-cancel; practitioner {leave.PractitionerId:D}; {queued} stays queued for analysis"), token);
            return Result<bool>.Success(true);
        }, ct);
    }
}

/// <summary>The stays a physician's leave moves: those where they owe something open.</summary>
internal static class LeaveStays
{
    public const string ResourceType = "PhysicianLeave";

    public static async Task<int> QueueAsync(HimDbContext db, Guid practitionerId, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var stays = await db.Deficiencies.AsNoTracking()
            .Where(d => d.ResponsiblePractitionerId == practitionerId && d.Status == DeficiencyStatuses.Open)
            .Select(d => d.EncounterId).Distinct().ToListAsync(ct);
        return await StaysToAnalyse.QueueAsync(db, stays, reason, now, ct);
    }
}
