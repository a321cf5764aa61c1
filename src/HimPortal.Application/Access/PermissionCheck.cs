using System.Collections.Concurrent;
using System.Reflection;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data.Bulk;

namespace HimPortal.Application.Access;

/// <summary>A request about one patient: a refusal of it names the patient in the audit, so "who tried to see X" finds it.</summary>
public interface IPatientRequest
{
    Guid PatientId { get; }
}

/// <summary>
/// The one place a handler's declared permission (<see cref="RequiresPermissionAttribute"/>) is checked against the
/// current actor's roles (after microsoft/fhir-server's CheckAccess(DataActions.X)). A refusal is audited in a
/// transaction of its own (nothing else happens), and returned as <see cref="ErrorKind.Forbidden"/>. The refusal goes
/// through the plain Npgsql pool, so hosts without EF Core (the console's import) check permissions the same way.
/// </summary>
public sealed class PermissionCheck(IAuditActorAccessor actors, AuditAppender audit, BulkConnections connections)
{
    private static readonly ConcurrentDictionary<Type, string?> Declared = new();

    public AuditActor Actor => actors.Current;

    /// <summary>Whether the current actor holds <paramref name="permission"/> (for what a page offers, never instead of the handler's check).</summary>
    public bool Holds(string permission) => Grants(actors.Current, permission);

    /// <summary>The permission <paramref name="handler"/> declares, or null when it declares none.</summary>
    public static string? DeclaredBy(Type handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Declared.GetOrAdd(handler, type => type.GetCustomAttribute<RequiresPermissionAttribute>()?.Permission);
    }

    /// <summary>Null when the actor may run <paramref name="handler"/> on <paramref name="request"/>; otherwise the audited refusal.</summary>
    public async Task<Error?> CheckAsync(Type handler, object request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(request);
        var permission = DeclaredBy(handler);
        var actor = actors.Current;
        if (permission is not null && Grants(actor, permission))
        {
            return null;
        }

        var useCase = handler.Name.EndsWith("Handler", StringComparison.Ordinal) ? handler.Name[..^"Handler".Length] : handler.Name;
        var isQuery = request.GetType().Name.EndsWith("Query", StringComparison.Ordinal);
        await using var connection = await connections.OpenAsync(ct);
        await audit.AppendAsync(connection, null, new AuditRecord(isQuery ? AuditAction.View : AuditAction.Update, AuditOutcome.Denied, "UseCase", useCase,
            (request as IPatientRequest)?.PatientId,
            Purpose: "not permitted: " + (permission ?? "no permission declared")), ct);
        return Error.Forbidden();
    }

    private static bool Grants(AuditActor actor, string permission) => permission switch
    {
        Permissions.Anyone => true,
        Permissions.SignedIn => actor.UserId is not null,
        _ => RolePermissions.Grants(actor.Roles, permission),
    };
}
