using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.History;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Application.Administration.Users.UpdateProfile;

/// <param name="ConcurrencyStamp">The stamp the administrator saw; a different one means someone else changed the account since.</param>
public sealed record UpdateProfileCommand(Guid UserId, UserProfile Profile, string ConcurrencyStamp);

public sealed class UpdateProfileValidator : AbstractValidator<UpdateProfileCommand>
{
    public UpdateProfileValidator()
    {
        RuleFor(c => c.Profile).NotNull().SetValidator(new UserProfileValidator());
        RuleFor(c => c.ConcurrencyStamp).NotEmpty();
    }
}

/// <summary>Sets the profile privacy monitoring uses. The audit names the fields changed, not their values.</summary>
[RequiresPermission(Permissions.UsersManage)]
public sealed class UpdateProfileHandler(PermissionCheck permissions, HimDbContext db, UserManager<HimUser> users, AccessAudit audit, AccessHistory history, TimeProvider clock, IValidator<UpdateProfileCommand> validator) : Handler<UpdateProfileCommand, Result<IReadOnlyList<string>>>(permissions)
{
    protected override async Task<Result<IReadOnlyList<string>>> ExecuteAsync(UpdateProfileCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync<Result<IReadOnlyList<string>>>(async token =>
            {
                var user = await users.FindByIdAsync(command.UserId.ToString());
                if (user is null)
                {
                    return UserErrors.NotFound;
                }

                if (user.ConcurrencyStamp != command.ConcurrencyStamp)
                {
                    return UserErrors.Conflict;
                }

                var changed = command.Profile.ApplyTo(user);
                if (changed.Count == 0)
                {
                    return Result<IReadOnlyList<string>>.Success(changed);
                }

                IdentityResults.Check(await users.UpdateAsync(user));
                // Accesses before this instant keep being judged by the profile they happened under.
                await history.ProfileChangedAsync(user, clock.GetUtcNow(), token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "User", user.Id.ToString(),
                    Details: "profile updated: " + string.Join(", ", changed)), token);
                return Result<IReadOnlyList<string>>.Success(changed);
            }, ct);
        }
        catch (ConcurrencyConflictException)
        {
            return UserErrors.Conflict;
        }
    }
}
