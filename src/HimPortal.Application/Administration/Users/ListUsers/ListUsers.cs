using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Administration.Users.ListUsers;

/// <param name="After">Keyset cursor: the normalized e-mail of the last row of the previous page.</param>
public sealed record ListUsersQuery(string? Search = null, string? After = null, int PageSize = 50);

public sealed record UserListItem(
    Guid Id,
    string Email,
    string DisplayName,
    IReadOnlyList<string> Roles,
    bool IsLocked,
    DateTimeOffset? LastSignInAt);

public sealed record UserListPage(IReadOnlyList<UserListItem> Users, string? NextAfter);

[RequiresPermission(Permissions.UsersManage)]
public sealed class ListUsersHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, TimeProvider clock) : Handler<ListUsersQuery, Result<UserListPage>>(permissions)
{
    protected override async Task<Result<UserListPage>> ExecuteAsync(ListUsersQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var size = Math.Clamp(query.PageSize, 1, 200);
        var now = clock.GetUtcNow();
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = "%" + query.Search.Trim().Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            users = users.Where(u => EF.Functions.ILike(u.Email!, pattern) || EF.Functions.ILike(u.DisplayName, pattern));
        }

        if (query.After is { Length: > 0 } after)
        {
            users = users.Where(u => string.Compare(u.NormalizedEmail, after) > 0);
        }

        var rows = await users
            .OrderBy(u => u.NormalizedEmail)
            .Take(size + 1)
            .Select(u => new
            {
                u.Id,
                u.Email,
                u.NormalizedEmail,
                u.DisplayName,
                u.LockoutEnd,
                u.LastSignInAt,
                Roles = db.UserRoles.Where(ur => ur.UserId == u.Id)
                    .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!)
                    .OrderBy(name => name)
                    .ToList(),
            })
            .ToListAsync(ct);

        await audit.RecordAloneAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "User",
            Details: $"user list; {Math.Min(rows.Count, size)} shown"), ct);

        var page = rows.Take(size)
            .Select(r => new UserListItem(r.Id, r.Email!, r.DisplayName, r.Roles, r.LockoutEnd > now, r.LastSignInAt))
            .ToList();
        return Result<UserListPage>.Success(new UserListPage(page, rows.Count > size ? rows[size - 1].NormalizedEmail : null));
    }
}
