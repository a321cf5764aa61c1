using HimPortal.Application.Audit;
using HimPortal.Data;
using HimPortal.Data.Access;
using HimPortal.Data.Identity;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.History;

/// <summary>
/// Keeps the dated history of the facts privacy monitoring judges an access by (docs/adr/0017): a patient's restriction,
/// a user's roles and profile, a physician's treatment assignment. Each change ends the current period and begins the
/// next, in the caller's transaction and at the instant the caller records the change at, so an access is compared with
/// what was true when it happened, never with today's values (a VIP flag set 13 seconds after a view is not the view's).
/// </summary>
/// <remarks>
/// A period that would end before it began (another node's clock a little behind, a test clock moved back) ends where it
/// began instead: the order of changes is kept, and PostgreSQL's check (valid_to ≥ valid_from) never fails an action.
/// </remarks>
public sealed class AccessHistory(HimDbContext db, IAuditActorAccessor actors)
{
    /// <summary>A patient's restriction as just saved; nothing is written when the values are those of the current period.</summary>
    public async Task RestrictionSetAsync(PatientRestriction restriction, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(restriction);
        at = AuditChain.ToStoredPrecision(at);
        var current = await db.RestrictionHistory.SingleOrDefaultAsync(h => h.PatientId == restriction.PatientId && h.ValidTo == null, ct);
        if (current is not null && current.Vip == restriction.Vip && current.Employee == restriction.Employee
            && current.EmployeeDepartment == restriction.EmployeeDepartment && current.Note == restriction.Note)
        {
            return;
        }

        var from = End(current, at, h => h.ValidFrom, (h, to) => h.ValidTo = to);
        db.RestrictionHistory.Add(new RestrictionHistory
        {
            Id = Guid.CreateVersion7(from),
            PatientId = restriction.PatientId,
            Vip = restriction.Vip,
            Employee = restriction.Employee,
            EmployeeDepartment = restriction.EmployeeDepartment,
            Note = restriction.Note,
            ValidFrom = from,
            ChangedByUserId = actors.Current.UserId,
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A new account: its profile and roles, valid from its creation.</summary>
    public async Task UserCreatedAsync(HimUser user, IEnumerable<string> roles, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        await ProfileChangedAsync(user, user.CreatedAt, ct);
        await RolesChangedAsync(user.Id, roles, user.CreatedAt, ct);
    }

    /// <summary>The user's profile as just saved; nothing is written when it equals the current period's.</summary>
    public async Task ProfileChangedAsync(HimUser user, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        at = AuditChain.ToStoredPrecision(at);
        var current = await db.UserProfileHistory.SingleOrDefaultAsync(h => h.UserId == user.Id && h.ValidTo == null, ct);
        if (current is not null && current.Department == user.Department && current.FamilyName == user.FamilyName
            && current.AddressLine == user.AddressLine && current.City == user.City && current.State == user.State
            && current.PostalCode == user.PostalCode && current.PatientMrn == user.PatientMrn)
        {
            return;
        }

        var from = End(current, at, h => h.ValidFrom, (h, to) => h.ValidTo = to);
        db.UserProfileHistory.Add(new UserProfileHistory
        {
            Id = Guid.CreateVersion7(from),
            UserId = user.Id,
            Department = user.Department,
            FamilyName = user.FamilyName,
            AddressLine = user.AddressLine,
            City = user.City,
            State = user.State,
            PostalCode = user.PostalCode,
            PatientMrn = user.PatientMrn,
            ValidFrom = from,
            ChangedByUserId = actors.Current.UserId,
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The user's whole set of roles from <paramref name="at"/>; nothing is written when it is the current set.</summary>
    public async Task RolesChangedAsync(Guid userId, IEnumerable<string> roles, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(roles);
        at = AuditChain.ToStoredPrecision(at);
        var set = roles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var current = await db.UserRoleHistory.SingleOrDefaultAsync(h => h.UserId == userId && h.ValidTo == null, ct);
        if (current is not null && current.Roles.SequenceEqual(set, StringComparer.Ordinal))
        {
            return;
        }

        var from = End(current, at, h => h.ValidFrom, (h, to) => h.ValidTo = to);
        db.UserRoleHistory.Add(new UserRoleHistory
        {
            Id = Guid.CreateVersion7(from),
            UserId = userId,
            Roles = set,
            ValidFrom = from,
            ChangedByUserId = actors.Current.UserId,
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A new assignment: valid from its recording to its planned end (null: until revoked).</summary>
    public async Task AssignmentRecordedAsync(TreatmentAssignment assignment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        db.AssignmentHistory.Add(new AssignmentHistory
        {
            Id = Guid.CreateVersion7(assignment.AssignedAt),
            AssignmentId = assignment.Id,
            PatientId = assignment.PatientId,
            UserId = assignment.UserId,
            Reason = assignment.Reason,
            ValidFrom = assignment.AssignedAt,
            ValidTo = assignment.EndsAt,
            ChangedByUserId = actors.Current.UserId,
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A revocation ends the assignment's period at <paramref name="at"/>, unless it had already ended by then.</summary>
    public async Task AssignmentRevokedAsync(Guid assignmentId, DateTimeOffset at, CancellationToken ct)
    {
        at = AuditChain.ToStoredPrecision(at);
        var period = await db.AssignmentHistory.SingleOrDefaultAsync(h => h.AssignmentId == assignmentId, ct)
                     ?? throw new InvalidOperationException("The assignment has no history: every assignment gets its period when it is recorded.");
        if (period.ValidTo is { } end && end <= at)
        {
            return;
        }

        period.ValidTo = at < period.ValidFrom ? period.ValidFrom : at;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Ends <paramref name="current"/> (when there is one) at <paramref name="at"/>; returns where the next period begins.</summary>
    private static DateTimeOffset End<T>(T? current, DateTimeOffset at, Func<T, DateTimeOffset> validFrom, Action<T, DateTimeOffset> setValidTo)
        where T : class
    {
        if (current is null)
        {
            return at;
        }

        var from = at < validFrom(current) ? validFrom(current) : at;
        setValidTo(current, from);
        return from;
    }
}
