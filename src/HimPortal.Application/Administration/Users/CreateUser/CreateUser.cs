using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.History;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Administration.Users.CreateUser;

/// <param name="Password">Null to generate a strong password, returned once in <see cref="CreatedUser.GeneratedPassword"/>.</param>
public sealed record CreateUserCommand(
    string Email,
    string? DisplayName,
    IReadOnlyList<string> Roles,
    string? PractitionerNpi = null,
    string? Password = null,
    UserProfile? Profile = null);

public sealed record CreatedUser(Guid Id, string Email, string? GeneratedPassword);

public sealed class CreateUserValidator : AbstractValidator<CreateUserCommand>
{
    public CreateUserValidator()
    {
        RuleFor(c => c.Email).NotEmpty().MaximumLength(256).EmailAddress().WithMessage("'{PropertyValue}' is not an e-mail address.");
        RuleFor(c => c.DisplayName).MaximumLength(200);
        RuleFor(c => c.Roles).ValidRoles();
        RuleFor(c => c.PractitionerNpi).ValidNpi().When(c => c.PractitionerNpi is not null);
        RuleFor(c => c.PractitionerNpi).Null()
            .When(c => !c.Roles.Any(r => Access.Roles.Normalize(r) == Access.Roles.Physician))
            .WithMessage("Only a Physician account is linked to a practitioner NPI.");
        RuleFor(c => c.Profile!).SetValidator(new UserProfileValidator()).When(c => c.Profile is not null);
    }
}

[RequiresPermission(Permissions.UsersManage)]
public sealed class CreateUserHandler(
    PermissionCheck permissions,
    HimDbContext db,
    UserManager<HimUser> users,
    AccessAudit audit,
    AccessHistory history,
    IValidator<CreateUserCommand> validator,
    TimeProvider clock) : Handler<CreateUserCommand, Result<CreatedUser>>(permissions)
{
    protected override async Task<Result<CreatedUser>> ExecuteAsync(CreateUserCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            var first = validation.Errors[0];
            return Error.Invalid(validation);
        }

        var email = command.Email.Trim();
        var generated = command.Password is null ? PasswordGenerator.Generate() : null;
        var user = new HimUser
        {
            Id = Guid.CreateVersion7(),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(command.DisplayName) ? email.Split('@')[0] : command.DisplayName.Trim(),
            PractitionerNpi = command.PractitionerNpi,
            CreatedAt = clock.GetUtcNow(),
            LockoutEnabled = true,
        };
        command.Profile?.ApplyTo(user);

        return await db.InTransactionAsync<Result<CreatedUser>>(async token =>
        {
            if (await users.FindByEmailAsync(email) is not null)
            {
                return UserErrors.DuplicateEmail(email);
            }

            if (user.PractitionerNpi is { } npi && await db.Users.AnyAsync(u => u.PractitionerNpi == npi, token))
            {
                return UserErrors.DuplicateNpi(npi);
            }

            var created = await users.CreateAsync(user, command.Password ?? generated!);
            if (!created.Succeeded)
            {
                // Identity validates before it writes, so a refused password or name has changed nothing.
                var reason = string.Join(" ", created.Errors.Select(e => e.Description));
                return created.Errors.Any(e => e.Code == "WeakPassword" || e.Code.StartsWith("Password", StringComparison.Ordinal))
                    ? UserErrors.WeakPassword(reason)
                    : new Error(ErrorKind.Invalid, "user.invalid", reason);
            }

            var roles = command.Roles.Select(r => Access.Roles.Normalize(r)!).Distinct().ToList();
            var added = await users.AddToRolesAsync(user, roles);
            if (!added.Succeeded)
            {
                throw new InvalidOperationException("Could not assign roles: " + string.Join(" ", added.Errors.Select(e => e.Code)));
            }

            // Privacy monitoring compares accesses with the profile and roles of their time, from the account's creation on.
            await history.UserCreatedAsync(user, roles, token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "User", user.Id.ToString(),
                Details: $"created account; roles={string.Join(',', roles)}" + (user.PractitionerNpi is null ? "" : "; practitioner NPI linked")), token);
            return Result<CreatedUser>.Success(new CreatedUser(user.Id, email, generated));
        }, ct);
    }
}
