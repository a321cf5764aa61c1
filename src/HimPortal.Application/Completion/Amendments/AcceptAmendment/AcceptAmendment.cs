using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Application.Completion.Amendments.SendAmendmentNotices;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Portal;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Amendments.AcceptAmendment;

public sealed record AcceptAmendmentCommand(Guid AmendmentId, string AmendmentText, uint Version);

public sealed record AmendmentAccepted(Guid DocumentId, int Recipients);

public sealed class AcceptAmendmentValidator : AbstractValidator<AcceptAmendmentCommand>
{
    public AcceptAmendmentValidator()
    {
        RuleFor(c => c.AmendmentText).NotEmpty().WithMessage("Write the amendment: what the record should now say. It is appended, signed by you, to the item.")
            .MaximumLength(8000).WithMessage("Keep the amendment under 8,000 characters.");
    }
}

/// <summary>
/// The author accepts a request to amend (45 CFR 164.526(c)): the amendment is appended to the record as a new signed
/// DocumentReference linked to the item (the item itself never changes: ClinicalRecordWriter.AppendAmendmentAsync), the
/// patient is told by the portal, and the amendment goes to the people the patient named (c)(3)(i) and to those known to
/// hold the item who may rely on it, business associates included (c)(3)(ii): every recipient of a release whose packet
/// held the item, other than the patient and their representative. The sending is a job (mail and letters are not sent
/// inside a request). Not a signature of the item, so no re-authentication; version-checked and audited.
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class AcceptAmendmentHandler(PermissionCheck permissions, HimDbContext db, AmendmentDesk desk, JobQueue jobs, TimeProvider clock,
    IValidator<AcceptAmendmentCommand> validator) : Handler<AcceptAmendmentCommand, Result<AmendmentAccepted>>(permissions)
{
    protected override async Task<Result<AmendmentAccepted>> ExecuteAsync(AcceptAmendmentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await desk.ChangeAsync<AcceptAmendmentCommand, AmendmentAccepted>(validator, command, command.AmendmentId, command.Version, authorOnly: true, async (request, token) =>
        {
            var now = clock.GetUtcNow();
            var documentId = await ClinicalRecordWriter.AppendAmendmentAsync(db, new AmendmentDocument(request.PatientId, request.ResourceType, request.ResourceId,
                request.AuthorPractitionerId!.Value, $"Amendment ({request.Display}) of {request.ItemDescription}, at the patient's request:\n\n{command.AmendmentText.Trim()}"),
                now, token);
            request.Status = AmendmentStatuses.Accepted;
            request.DecidedAt = now;
            request.DecidedByUserId = desk.UserId;
            request.AmendmentDocumentId = documentId;
            var key = request.ResourceId.ToString("D");
            var holders = await (
                    from d in db.Disclosures.AsNoTracking()
                    join r in db.ReleaseRequests on d.RequestId equals r.Id
                    where d.PatientId == request.PatientId && !d.Impermissible
                          && r.RequesterType != RequesterTypes.Patient && r.RequesterType != RequesterTypes.PersonalRepresentative
                          && db.PacketItems.Any(i => i.RequestId == r.Id && i.Included && i.ResourceType == request.ResourceType && i.ResourceKey == key)
                    orderby d.DisclosedAt
                    select new { d.Id, d.RecipientName, d.RecipientAddress })
                .ToListAsync(token);
            var known = holders.DistinctBy(h => (h.RecipientName.Trim().ToUpperInvariant(), h.RecipientAddress?.Trim().ToUpperInvariant())).ToList();
            foreach (var holder in known)
            {
                db.AmendmentRecipients.Add(new AmendmentRecipient
                {
                    Id = Guid.CreateVersion7(now),
                    AmendmentId = request.Id,
                    Name = holder.RecipientName,
                    Address = holder.RecipientAddress,
                    Source = AmendmentRecipientSources.KnownHolder,
                    DisclosureId = holder.Id,
                });
            }

            desk.Note(request, "accepted", $"amendment {documentId:D}; {known.Count} known holder(s) to tell", now);
            await db.SaveChangesAsync(token);
            var recipients = await db.AmendmentRecipients.CountAsync(r => r.AmendmentId == request.Id, token);
            if (recipients > 0)
            {
                await jobs.EnqueueAsync(SendAmendmentNoticesJob.Kind, new AmendmentNoticesPayload(request.Id), new JobRequest(DedupeKey: "amendment-notices:" + request.Id), token);
            }

            await desk.AuditAsync(AuditAction.Update, request, $"completion.amendment-accept; document={documentId:D}; recipients={recipients}", token);
            return Result<AmendmentAccepted>.Success(new AmendmentAccepted(documentId, recipients));
        }, ct);
    }
}
