using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.MoveRequest;

/// <param name="To">validating, waiting-for-information, processing or withdrawn: the moves the request's own page makes (the packet, delivery and denial move the rest).</param>
/// <param name="Reason">What is waited for, or why the request is withdrawn (required for both).</param>
public sealed record MoveRequestCommand(Guid RequestId, string To, string? Reason, uint Version);

public sealed class MoveRequestValidator : AbstractValidator<MoveRequestCommand>
{
    public static readonly IReadOnlyList<string> Targets =
        [RequestStatuses.Validating, RequestStatuses.WaitingForInformation, RequestStatuses.Processing, RequestStatuses.Withdrawn];

    public MoveRequestValidator()
    {
        RuleFor(c => c.RequestId).NotEmpty();
        RuleFor(c => c.To).Must(t => Targets.Contains(t)).WithMessage("Choose validating, waiting for information, processing or withdrawn.");
        RuleFor(c => c.Reason).NotEmpty().When(c => c.To is RequestStatuses.WaitingForInformation or RequestStatuses.Withdrawn)
            .WithMessage(c => c.To == RequestStatuses.Withdrawn ? "Say why the request is withdrawn." : "Say what is waited for.");
        RuleFor(c => c.Reason).MaximumLength(2000);
    }
}

/// <summary>
/// Moves a request along its own steps: validating, waiting for information (with what is waited for), processing, or
/// withdrawn (with why). Through <see cref="RequestTimeline.Move"/> only, so the timeline is whole; optimistic
/// concurrency on the version; audited. Waiting does not pause the clock (45 CFR 164.524(b)(2) has no pause).
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class MoveRequestHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    RequestTimeline timeline,
    IValidator<MoveRequestCommand> validator) : Handler<MoveRequestCommand, Result<uint>>(permissions)
{
    protected override async Task<Result<uint>> ExecuteAsync(MoveRequestCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await RequestChange.RunAsync<uint>(db, command.RequestId, command.Version, async (request, token) =>
        {
            var reason = string.IsNullOrWhiteSpace(command.Reason) ? null : command.Reason.Trim();
            var note = command.To switch
            {
                RequestStatuses.WaitingForInformation => $"Waiting for information: {reason} (the clock keeps running).",
                RequestStatuses.Withdrawn => $"Withdrawn: {reason}.",
                _ => $"Moved to {command.To}." + (reason is null ? "" : $" {reason}"),
            };
            if (!timeline.Move(request, command.To, note, reason))
            {
                return Error.Conflict($"A request that is {request.Status} cannot move to {command.To}.");
            }

            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "ReleaseRequest", request.Id.ToString("D"), request.PatientId,
                Details: $"request {request.Display} moved to {command.To}"), token);
            await db.Entry(request).ReloadAsync(token);
            return Result<uint>.Success(request.Version);
        }, ct);
    }
}
