using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.LogRequest;
using HimPortal.Data;

namespace HimPortal.Application.Roi.Portal.RequestCopy;

/// <param name="FeeShownCents">The total the patient saw before confirming: a request is logged only at the fee they agreed to.</param>
public sealed record RequestCopyCommand(Guid PatientId, CopyChoice Choice, int FeeShownCents) : IPatientRequest;

public sealed class RequestCopyValidator : AbstractValidator<RequestCopyCommand>
{
    public RequestCopyValidator(TimeProvider time) => RuleFor(c => c.Choice).NotNull().SetValidator(new CopyChoiceValidator(time));
}

/// <summary>
/// The patient (or their personal representative) asks for a copy in the portal (issue 19 item 4): one release-of-information
/// request per format, of type patient (personal-representative for a representative, whose grant is the authority checked,
/// 45 CFR 164.502(g)), or patient-directed when the copy goes to a third party (164.524(c)(3)(ii), electronic only), logged
/// through ROI's own writer so it is the same request the specialist logs: the 30-day clock from now (164.524(b)(2)),
/// identity verified by the portal account (164.514(h)), delivery by the portal's secure download. One transaction.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class RequestCopyHandler(
    PermissionCheck permissions,
    HimDbContext db,
    ChartGate gate,
    AccessAudit audit,
    RequestFieldsWriter writer,
    IAuditActorAccessor actors,
    TimeProvider time,
    IValidator<RequestCopyCommand> validator,
    IValidator<LogRequestCommand> fields) : Handler<RequestCopyCommand, Result<IReadOnlyList<LoggedRequest>>>(permissions)
{
    protected override async Task<Result<IReadOnlyList<LoggedRequest>>> ExecuteAsync(RequestCopyCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<IReadOnlyList<LoggedRequest>>>(async token =>
        {
            var entry = await PortalDoor.OpenAsync(gate, audit, command.PatientId, AuditAction.Create, RoiAudit.ResourceType, null, "copies.request", token);
            if (entry is null)
            {
                return Error.NotFound("There is no such record.");
            }

            var requester = await PortalRequester.OfAsync(db, entry, actors.Current.UserId, token);
            var quote = await PortalCopies.QuoteAsync(db, command.Choice, requester.Type, token);
            if (quote.Refusal is { } refusal)
            {
                return Error.Invalid(refusal, nameof(CopyChoice.Format));
            }

            if (quote.TotalCents != command.FeeShownCents)
            {
                return Error.Conflict($"The fee has changed since you looked: it is now {quote.Total}. Check it and confirm again.");
            }

            var now = time.GetUtcNow();
            var logged = new List<LoggedRequest>();
            foreach (var format in PortalCopies.Formats(command.Choice.Format))
            {
                var asked = PortalCopies.Fields(command.Choice, format, requester, now);
                // ROI's own rules, so that a portal request never holds what the specialist's form would refuse.
                var check = await fields.ValidateAsync(new LogRequestCommand(entry.Patient.Id, asked), token);
                if (!check.IsValid)
                {
                    return Error.Invalid(check);
                }

                var request = await writer.LogAsync(entry.Patient.Id, asked, "Received through the patient portal", token);
                // A representative's copy holds no more than the portal shows them: care the minor consented to alone
                // stays out when the grant hides it (45 CFR 164.502(g)(3)); the packet reads this, not the grant.
                if (PortalVisibility.RepresentativeLabels(entry.Proxy) is { Length: > 0 } hidden)
                {
                    request.HiddenLabels = hidden;
                    await db.SaveChangesAsync(token);
                }

                await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, RoiAudit.ResourceType, request.Id.ToString("D"), entry.Patient.Id,
                    Purpose: "PATRQT",
                    Details: $"portal.copies.request; request {request.Display}; type={request.RequesterType}; scope={request.ScopeKind}; format={format}; {PortalDoor.Reader(entry)}{(request.HiddenLabels.Length > 0 ? "; hidden=" + string.Join(',', request.HiddenLabels) : "")}"), token);
                logged.Add(LoggedRequest.Of(request));
            }

            return Result<IReadOnlyList<LoggedRequest>>.Success(logged);
        }, ct);
    }
}
