using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.FindUsers;

public sealed record FindUsersQuery(string Text);

public sealed record FoundUser(Guid Id, string Email, string DisplayName, string? Department);

/// <summary>Finds the user a reviewer means, by part of the e-mail or name, to filter the access log by them.</summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class FindUsersHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit) : Handler<FindUsersQuery, Result<IReadOnlyList<FoundUser>>>(permissions)
{
    protected override async Task<Result<IReadOnlyList<FoundUser>>> ExecuteAsync(FindUsersQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        var text = query.Text?.Trim() ?? "";
        if (text.Length is < 2 or > 256)
        {
            return Error.Invalid("Enter at least two characters of the user's e-mail or name.", "User");
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
