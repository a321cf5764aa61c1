using System.Globalization;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Authorizations.RevokeAuthorization;

/// <param name="RequestId">The request whose page the revocation was recorded on (the revocation stops every request under it).</param>
/// <param name="ReceivedOn">When the written revocation reached the hospital.</param>
/// <param name="DocumentId">The scanned revocation, when it came through intake.</param>
public sealed record RevokeAuthorizationCommand(Guid RequestId, Guid AuthorizationId, uint AuthorizationVersion, DateOnly ReceivedOn, string Note, Guid? DocumentId);

/// <summary>What the revocation stopped.</summary>
public sealed record RevocationOutcome(IReadOnlyList<Guid> StoppedRequests, int DiscardedPackets);

public sealed class RevokeAuthorizationValidator : AbstractValidator<RevokeAuthorizationCommand>
{
    public RevokeAuthorizationValidator()
    {
        RuleFor(c => c.Note).NotEmpty().WithMessage("Say how the written revocation arrived (45 CFR 164.508(b)(5) requires it in writing).")
            .MaximumLength(1000);
    }
}

/// <summary>
/// A written revocation (45 CFR 164.508(b)(5)): the authorization is revoked, every open request relying on it waits for
/// information, and every packet of those requests not yet released is discarded. Released packets stay as they are: a
/// revocation does not reach what was done in reliance on the authorization before it (164.508(b)(5)(i)).
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class RevokeAuthorizationHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    RequestTimeline timeline,
    HospitalTime hospital,
    IValidator<RevokeAuthorizationCommand> validator,
    TimeProvider time) : Handler<RevokeAuthorizationCommand, Result<RevocationOutcome>>(permissions)
{
    // The revocation is recorded from any of the patient's requests, open or not; it stops every open one relying on it.
    protected override Task<Result<RevocationOutcome>> ExecuteAsync(RevokeAuthorizationCommand command, CancellationToken ct) =>
        AuthorizationChange.RunAsync<RevokeAuthorizationCommand, RevocationOutcome>(db, validator, command, command.RequestId, null, async (page, token) =>
        {
            var now = time.GetUtcNow();
            if (command.ReceivedOn > hospital.DayOf(now))
            {
                return Error.Invalid("The revocation cannot have been received in the future.", nameof(command.ReceivedOn));
            }

            var authorization = await db.Authorizations.SingleOrDefaultAsync(a => a.Id == command.AuthorizationId, token);
            if (authorization is null || authorization.PatientId != page.PatientId)
            {
                return RoiAuthorizationErrors.NotFound;
            }

            if (authorization.Status == AuthorizationStatuses.Revoked)
            {
                return Error.Conflict("The authorization is already revoked.");
            }

            if (command.DocumentId is { } documentId
                && !await AuthorizationChange.IsPatientsDocumentAsync(db, documentId, authorization.PatientId, token))
            {
                return Error.Invalid("Pick a scanned document filed to this patient.", nameof(command.DocumentId));
            }

            db.Entry(authorization).Property(a => a.Version).OriginalValue = command.AuthorizationVersion;
            authorization.Status = AuthorizationStatuses.Revoked;
            authorization.RevokedAt = now;
            var received = command.ReceivedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            authorization.RevocationNote = $"received {received}: {command.Note.Trim()}" + (command.DocumentId is { } doc ? $" (scanned document {doc:D})" : "");

            var reason = $"authorization revoked on {received} (45 CFR 164.508(b)(5))";
            var requests = await db.ReleaseRequests
                .Where(r => r.AuthorizationId == authorization.Id && !RequestStatuses.Closed.Contains(r.Status))
                .OrderBy(r => r.Number)
                .ToListAsync(token);
            var ids = requests.Select(r => r.Id).ToList();
            var packets = await db.Packets
                .Where(p => ids.Contains(p.RequestId) && p.Status != PacketStatuses.Released && p.Status != PacketStatuses.Discarded)
                .ToListAsync(token);
            foreach (var packet in packets)
            {
                packet.Status = PacketStatuses.Discarded;
                packet.Problem = $"Discarded: the {reason}; it may not be released.";
            }

            foreach (var request in requests)
            {
                if (command.DocumentId is { } revocation && request.Id == command.RequestId)
                {
                    db.RequestDocuments.Add(new RequestDocument
                    {
                        RequestId = request.Id, DocumentId = revocation, Role = RequestDocumentRoles.Other, AttachedAt = now, AttachedByUserId = actors.Current.UserId,
                    });
                }

                var discarded = packets.Count(p => p.RequestId == request.Id);
                timeline.Note(request, "authorization-revoked",
                    $"The authorization was revoked in writing (received {received}); {discarded} unreleased packet(s) discarded.");
                if (!timeline.Move(request, RequestStatuses.WaitingForInformation, "Stopped: the authorization it relies on was revoked.", reason))
                {
                    request.StatusReason = reason;
                }
            }

            await db.SaveChangesAsync(token);
            foreach (var request in requests)
            {
                await audit.RecordAsync(RoiAuthorizationErrors.Audit(request, AuditAction.Update,
                    $"authorization {authorization.Id:D} revoked; packets discarded={packets.Count(p => p.RequestId == request.Id)}"), token);
            }

            if (requests.Count == 0)
            {
                await audit.RecordAsync(RoiAuthorizationErrors.Audit(page, AuditAction.Update, $"authorization {authorization.Id:D} revoked; no open request"), token);
            }

            return Result<RevocationOutcome>.Success(new RevocationOutcome(ids, packets.Count));
        }, ct, requireOpen: false);
}
