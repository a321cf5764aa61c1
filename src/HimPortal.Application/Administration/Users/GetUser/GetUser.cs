using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Administration.Users.GetUser;

public sealed record GetUserQuery(Guid UserId);

public sealed record UserDetails(
    Guid Id,
    string Email,
    string DisplayName,
    string? PractitionerNpi,
    IReadOnlyList<string> Roles,
    bool IsLocked,
    DateTimeOffset? LockedUntil,
    int FailedSignIns,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt,
    int ActiveSessions,
    string ConcurrencyStamp,
    UserProfile Profile,
    bool MustChangePassword = false,
    DateTimeOffset? PasswordChangedAt = null);

[RequiresPermission(Permissions.UsersManage)]
public sealed class GetUserHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, TimeProvider clock) : Handler<GetUserQuery, Result<UserDetails>>(permissions)
{
    protected override async Task<Result<UserDetails>> ExecuteAsync(GetUserQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var now = clock.GetUtcNow();
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == query.UserId)
            .Select(u => new
            {
                u.Id,
                u.Email,
                u.DisplayName,
                u.PractitionerNpi,
                u.LockoutEnd,
                u.AccessFailedCount,
                u.CreatedAt,
                u.LastSignInAt,
                u.ConcurrencyStamp,
                u.MustChangePassword,
                u.PasswordChangedAt,
                Profile = new UserProfile(u.Department, u.FamilyName, u.AddressLine, u.City, u.State, u.PostalCode, u.PatientMrn),
                Roles = db.UserRoles.Where(ur => ur.UserId == u.Id)
                    .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!)
                    .OrderBy(name => name)
                    .ToList(),
                ActiveSessions = db.UserSessions.Count(s => s.UserId == u.Id && s.EndedAt == null && s.ExpiresAt > now),
            })
            .SingleOrDefaultAsync(ct);
        if (user is null)
        {
            return UserErrors.NotFound;
        }

        await audit.RecordAloneAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "User", user.Id.ToString()), ct);
        var locked = user.LockoutEnd > now;
        return Result<UserDetails>.Success(new UserDetails(user.Id, user.Email!, user.DisplayName, user.PractitionerNpi, user.Roles,
            locked, locked ? user.LockoutEnd : null, user.AccessFailedCount, user.CreatedAt, user.LastSignInAt, user.ActiveSessions,
            user.ConcurrencyStamp!, user.Profile, user.MustChangePassword, user.PasswordChangedAt));
    }
}
