using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data.Portal;

namespace HimPortal.Application.Portal.Amendments.IncludeDenial;

/// <param name="Version">The request's version as the page showed it.</param>
public sealed record IncludeDenialCommand(Guid PatientId, Guid AmendmentId, uint Version);

/// <summary>
/// After a denial, a patient who files no statement of disagreement may ask that their request and the denial go with
/// every future disclosure of the item (45 CFR 164.526(d)(1)(iii), (d)(5)(ii)). Recorded once on the request (with an
/// event), honoured by release of information's PDF and FHIR packets as a statement is; a statement filed later
/// supersedes it. Through the chart gate as the patient; another person's request is audited and not found. Version-checked
/// and audited.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class IncludeDenialHandler(PermissionCheck permissions, PortalAmendments amendments, IAuditActorAccessor actors, TimeProvider clock)
    : Handler<IncludeDenialCommand, Result<uint>>(permissions)
{
    protected override Task<Result<uint>> ExecuteAsync(IncludeDenialCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var now = clock.GetUtcNow();
        return amendments.AnswerDenialAsync(command.PatientId, command.AmendmentId, command.Version, "amendment-include-denial", actors.Current.UserId, request =>
        {
            if (request.Status != AmendmentStatuses.Denied || request.DisagreementText is not null || request.IncludeWithDisclosuresAt is not null)
            {
                return "This is asked once, after a denial, when no statement of disagreement is filed.";
            }

            request.IncludeWithDisclosuresAt = now;
            return null;
        }, now, ct);
    }
}
