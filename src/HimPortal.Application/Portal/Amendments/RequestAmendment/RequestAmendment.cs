using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Amendments.RequestAmendment;

/// <summary>Someone the patient wants told of the correction (45 CFR 164.526(c)(1), (c)(3)(i)): a name and an e-mail or postal address.</summary>
public sealed record NamedRecipient(string? Name, string? Address);

public sealed record RequestAmendmentCommand(Guid PatientId, string ResourceType, Guid ResourceId, string RequestedChange, string Reason,
    IReadOnlyList<NamedRecipient> Recipients);

public sealed record AmendmentRequested(Guid Id, string Display, DateTimeOffset DueAt);

public sealed class RequestAmendmentValidator : AbstractValidator<RequestAmendmentCommand>
{
    public const int MaxRecipients = 10;

    public RequestAmendmentValidator()
    {
        RuleFor(c => c.RequestedChange).NotEmpty().WithMessage("Say what should change: what is wrong, and what it should say instead.")
            .MaximumLength(4000).WithMessage("Keep the change you ask for under 4,000 characters.");
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why the change is needed (45 CFR 164.526(b)(1) lets us ask for a reason).")
            .MaximumLength(4000).WithMessage("Keep the reason under 4,000 characters.");
        RuleFor(c => c.Recipients).Must(r => r.Count(x => !Blank(x)) <= MaxRecipients)
            .WithMessage($"Name at most {MaxRecipients} people to tell.");
        RuleForEach(c => c.Recipients).Where(r => !Blank(r)).ChildRules(r =>
        {
            r.RuleFor(x => x.Name).NotEmpty().WithMessage("Give the name of each person or office to tell.")
                .MaximumLength(200).WithMessage("Keep each name under 200 characters.");
            r.RuleFor(x => x.Address).NotEmpty().WithMessage("Give an e-mail or postal address for each person or office to tell.")
                .MaximumLength(1000).WithMessage("Keep each address under 1,000 characters.");
        });
    }

    internal static bool Blank(NamedRecipient r) => string.IsNullOrWhiteSpace(r.Name) && string.IsNullOrWhiteSpace(r.Address);
}

/// <summary>
/// The patient (or their personal representative) asks to amend one item of their record (45 CFR 164.526(a)(1), (b)(1)):
/// in writing, with a reason, and the people to tell if it is accepted. The clock starts at receipt: due in
/// PortalSettings.AmendmentDueDays (60, 164.526(b)(2)). One open request per item: a second would race the first's answer.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class RequestAmendmentHandler(
    PermissionCheck permissions,
    HimDbContext db,
    PortalAmendments amendments,
    AccessAudit audit,
    IAuditActorAccessor actors,
    HospitalTime hospital,
    TimeProvider clock,
    IValidator<RequestAmendmentCommand> validator) : Handler<RequestAmendmentCommand, Result<AmendmentRequested>>(permissions)
{
    protected override async Task<Result<AmendmentRequested>> ExecuteAsync(RequestAmendmentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<AmendmentRequested>>(async token =>
        {
            var entry = await amendments.OpenAsync(command.PatientId, "amendment-request", command.ResourceType, command.ResourceId, token);
            var item = entry is null ? null : await amendments.ItemAsync(entry, command.ResourceType, command.ResourceId, token);
            if (entry is null || item is null)
            {
                if (entry is not null)
                {
                    await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Denied, command.ResourceType, command.ResourceId.ToString("D"),
                        entry.Patient.Id, Purpose: "no such item the portal shows", Details: "portal.amendment-request; outcome=not-found"), token);
                }

                return Error.NotFound();
            }

            if (await db.AmendmentRequests.AnyAsync(a => a.ResourceType == item.ResourceType && a.ResourceId == item.ResourceId
                                                          && (a.Status == AmendmentStatuses.Received || a.Status == AmendmentStatuses.Routed), token))
            {
                return Error.Conflict("A request to correct this item is already open: its answer comes first.");
            }

            var settings = await db.PortalSettings.AsNoTracking().SingleAsync(token);
            var now = clock.GetUtcNow();
            var request = new AmendmentRequest
            {
                Id = Guid.CreateVersion7(now),
                PatientId = item.RecordId,
                RequestedByUserId = actors.Current.UserId ?? Guid.Empty,
                ProxyGrantId = entry.Proxy?.GrantId,
                ResourceType = item.ResourceType,
                ResourceId = item.ResourceId,
                ItemDescription = item.Description(hospital),
                RequestedChange = command.RequestedChange.Trim(),
                Reason = command.Reason.Trim(),
                ReceivedAt = now,
                DueAt = now.AddDays(settings.AmendmentDueDays),
                Status = AmendmentStatuses.Received,
            };
            db.AmendmentRequests.Add(request);
            foreach (var named in command.Recipients.Where(r => !RequestAmendmentValidator.Blank(r)))
            {
                db.AmendmentRecipients.Add(new AmendmentRecipient
                {
                    Id = Guid.CreateVersion7(now),
                    AmendmentId = request.Id,
                    Name = named.Name!.Trim(),
                    Address = named.Address!.Trim(),
                    Source = AmendmentRecipientSources.PatientNamed,
                });
            }

            db.AmendmentEvents.Add(new AmendmentEvent
            {
                Id = Guid.CreateVersion7(now), AmendmentId = request.Id, At = now, Kind = "received", ByUserId = request.RequestedByUserId,
                Note = entry.Proxy is { } proxy ? $"asked by a personal representative ({proxy.Relationship})" : "asked by the patient",
            });
            await db.SaveChangesAsync(token);
            var number = await db.AmendmentRequests.Where(a => a.Id == request.Id).Select(a => a.Number).SingleAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "AmendmentRequest", request.Id.ToString("D"), item.RecordId,
                Purpose: entry.Access.PurposeOfUse,
                Details: $"portal.amendment-request; item={item.ResourceType}/{item.ResourceId:D}; recipients={command.Recipients.Count(r => !RequestAmendmentValidator.Blank(r))}"
                         + (entry.Proxy is { } p ? $"; proxy={p.GrantId:D}" : "")), token);
            return Result<AmendmentRequested>.Success(new AmendmentRequested(request.Id, $"AMD-{number:D6}", request.DueAt));
        }, ct);
    }
}
