using HimPortal.Application.Access;

namespace HimPortal.Application.Audit;

/// <summary>
/// Who acts in work no request carries (a background job): set once per scope, before the work starts, and then the
/// actor every permission check and audit row of the scope sees. A job runs as the person who asked for it, or as the
/// scheduler (<see cref="Scheduler"/>); its audit rows name that user and carry the job's id as their correlation id.
/// </summary>
public sealed class ActorScope
{
    public AuditActor? Actor { get; private set; }

    public void RunAs(AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (Actor is not null)
        {
            throw new InvalidOperationException("A scope's actor is set once, before its work starts.");
        }

        Actor = actor;
    }

    /// <summary>The built-in user "system:<paramref name="job"/>" in the System role, for scheduled work.</summary>
    public static AuditActor Scheduler(string job, string correlationId) =>
        new(null, "system:" + job, [Roles.System], "local", "himportal-jobs", correlationId);
}
