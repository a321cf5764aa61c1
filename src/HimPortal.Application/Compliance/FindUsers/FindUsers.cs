using HimPortal.Application.Auditing;
using HimPortal.Application.Common;
using HimPortal.Application.Security;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.FindUsers;

public sealed record FindUsersQuery(string Text);

public sealed record FoundUser(Guid Id, string Email, string DisplayName, string? Department);

/// <summary>Finds the user a reviewer means, by part of the e-mail or name, to filter the access log by them.</summary>
public sealed class FindUsersHandler(HimDbContext db, AccessAudit audit, IAuditActorAccessor actors)
{
    public async Task<Result<IReadOnlyList<FoundUser>>> HandleAsync(FindUsersQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!RolePermissions.Grants(actors.Current.Roles, Permissions.AuditReview))
        {
            return ComplianceErrors.NotPermitted;
        }

        var text = query.Text?.Trim() ?? "";
        if (text.Length is < 2 or > 256)
        {
            return new Error("invalid", "Enter at least two characters of the user's e-mail or name.", "User");
        }

        var pattern = "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var users = await db.Users.AsNoTracking()
            .Where(u => EF.Functions.ILike(u.Email!, pattern) || EF.Functions.ILike(u.DisplayName, pattern))
            .OrderBy(u => u.NormalizedEmail)
            .Take(20)
            .Select(u => new FoundUser(u.Id, u.Email!, u.DisplayName, u.Department))
            .ToListAsync(ct);
        await audit.RecordAloneAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "User",
            Details: $"access-log user filter; {users.Count} shown"), ct);
        return Result<IReadOnlyList<FoundUser>>.Success(users);
    }
}
