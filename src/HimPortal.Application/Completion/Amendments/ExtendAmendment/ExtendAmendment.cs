using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Clocks;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Amendments.ExtendAmendment;

public sealed record ExtendAmendmentCommand(Guid AmendmentId, string Reason, uint Version);

public sealed class ExtendAmendmentValidator : AbstractValidator<ExtendAmendmentCommand>
{
    public ExtendAmendmentValidator()
    {
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Give the reason for the delay: the patient's notice states it (45 CFR 164.526(b)(2)(ii)).")
            .MaximumLength(1000).WithMessage("Keep the reason under 1,000 characters.");
    }
}

/// <summary>
/// Extends the time to act once, by PortalSettings.AmendmentExtensionDays (at most 30), before the time runs out, with a
/// written notice to the patient of the reason and the date by which we will act (45 CFR 164.526(b)(2)(ii)): a PDF
/// letter kept as sent, which the portal offers. Version-checked and audited.
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class ExtendAmendmentHandler(PermissionCheck permissions, HimDbContext db, AmendmentDesk desk, HospitalTime hospital, TimeProvider clock,
    IValidator<ExtendAmendmentCommand> validator) : Handler<ExtendAmendmentCommand, Result<uint>>(permissions)
{
    protected override async Task<Result<uint>> ExecuteAsync(ExtendAmendmentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await desk.ChangeAsync<ExtendAmendmentCommand, uint>(validator, command, command.AmendmentId, command.Version, authorOnly: false, async (request, token) =>
        {
            var now = clock.GetUtcNow();
            if (!AmendmentClock.IsOpen(request.Status) || request.ExtendedAt is not null)
            {
                return Error.Conflict("A request is extended once, while it is open.");
            }

            if (request.DueAt <= now)
            {
                // The notice must reach the patient within the first 60 days (164.526(b)(2)(ii)): too late to extend.
                return Error.Conflict("The time to act has run out: an extension must be given before the due date.");
            }

            var days = (await db.PortalSettings.AsNoTracking().SingleAsync(token)).AmendmentExtensionDays;
            if (days <= 0)
            {
                return Error.Conflict("The portal's settings allow no extension.");
            }

            var reason = command.Reason.Trim();
            request.DueAt = request.DueAt.AddDays(days);
            request.ExtendedAt = now;
            request.ExtensionReason = reason;
            var (objectId, _) = await desk.LetterAsync(request, "We need more time to answer your request to amend your record",
            [
                desk.Opening(request),
                "",
                $"We need more time to answer it. The reason: {reason}",
                "",
                $"We will answer by {hospital.DayOf(request.DueAt):MMMM d, yyyy}. The law allows us one such extension of up to 30 days, with this notice " +
                "(45 CFR 164.526(b)(2)(ii)). You can follow your request in the patient portal, under Corrections.",
            ], now, token);
            request.ExtensionLetterObjectId = objectId;
            desk.Note(request, "extended", $"by {days} days: {reason}", now);
            await db.SaveChangesAsync(token);
            await desk.AuditAsync(AuditAction.Update, request, $"completion.amendment-extend; days={days}; letter={objectId:D}", token);
            return Result<uint>.Success(request.Version);
        }, ct);
    }
}
