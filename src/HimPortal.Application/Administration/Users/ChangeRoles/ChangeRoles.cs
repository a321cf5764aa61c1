using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.History;
using HimPortal.Application.Access.Sessions;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Application.Administration.Users.ChangeRoles;

/// <param name="ConcurrencyStamp">The stamp the administrator saw; a different one means someone else changed the account since.</param>
public sealed record ChangeRolesCommand(Guid UserId, IReadOnlyList<string> Roles, string ConcurrencyStamp);

public sealed class ChangeRolesValidator : AbstractValidator<ChangeRolesCommand>
{
    public ChangeRolesValidator()
    {
        RuleFor(c => c.Roles).ValidRoles();
        RuleFor(c => c.ConcurrencyStamp).NotEmpty();
    }
}

/// <summary>Assigns exactly the given roles. The user's sessions end in the same transaction: new rights, new sign-in.</summary>
[RequiresPermission(Permissions.UsersManage)]
public sealed class ChangeRolesHandler(
    PermissionCheck permissions,
    HimDbContext db,
    UserManager<HimUser> users,
    UserSessions sessions,
    AccessAudit audit,
    IAuditActorAccessor actors,
    AccessHistory history,
    TimeProvider clock,
    IValidator<ChangeRolesCommand> validator) : Handler<ChangeRolesCommand, Result<IReadOnlyList<string>>>(permissions)
{
    protected override async Task<Result<IReadOnlyList<string>>> ExecuteAsync(ChangeRolesCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var wanted = command.Roles.Select(r => Access.Roles.Normalize(r)!).Distinct().Order(StringComparer.Ordinal).ToList();
        if (actors.Current.UserId == command.UserId)
        {
            // Issue 14: an administrator gave themselves Physician and read a chart. Nobody changes their own roles; the
            // attempt is audited like any refusal.
            await audit.RecordAloneAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Denied, "User", command.UserId.ToString(),
                Purpose: "own roles", Details: $"roles change to [{string.Join(',', wanted)}] refused: own account"), ct);
            return UserErrors.CannotChangeOwnRoles;
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

                if (user.PractitionerNpi is not null && !wanted.Contains(Access.Roles.Physician))
                {
                    return new Error(ErrorKind.Invalid, "user.npi-needs-physician",
                        "This account is linked to a practitioner NPI, so it keeps the Physician role.", "Roles");
                }

                var current = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
                if (current.SequenceEqual(wanted))
                {
                    return Result<IReadOnlyList<string>>.Success(current);
                }

                IdentityResults.Check(await users.RemoveFromRolesAsync(user, current.Except(wanted)));
                IdentityResults.Check(await users.AddToRolesAsync(user, wanted.Except(current)));
                IdentityResults.Check(await users.UpdateSecurityStampAsync(user));
                await sessions.EndAllAsync(user.Id, SessionEndReason.RolesChanged, token);
                await history.RolesChangedAsync(user.Id, wanted, clock.GetUtcNow(), token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "User", user.Id.ToString(),
                    Details: $"roles changed from [{string.Join(',', current)}] to [{string.Join(',', wanted)}]; sessions ended"), token);
                return Result<IReadOnlyList<string>>.Success(wanted);
            }, ct);
        }
        catch (ConcurrencyConflictException)
        {
            return UserErrors.Conflict;
        }
    }
}
