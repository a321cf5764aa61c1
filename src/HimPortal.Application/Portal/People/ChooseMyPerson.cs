using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;

namespace HimPortal.Application.Portal.People;

public sealed record ChooseMyPersonCommand(Guid PatientId);

/// <summary>
/// Whether the portal account may show this person's record ("whose record"): through the chart gate like every portal
/// read, so choosing another person's id is refused as not found and the attempt is in the access audit.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class ChooseMyPersonHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate, AccessAudit audit)
    : Handler<ChooseMyPersonCommand, Result<bool>>(permissions)
{
    protected override Task<Result<bool>> ExecuteAsync(ChooseMyPersonCommand command, CancellationToken ct) =>
        db.InTransactionAsync<Result<bool>>(async token =>
            await PortalDoor.OpenAsync(gate, audit, command.PatientId, AuditAction.View, "Patient", command.PatientId.ToString("D"), "people.choose", token) is null
                ? Error.NotFound()
                : Result<bool>.Success(true), ct);
}
