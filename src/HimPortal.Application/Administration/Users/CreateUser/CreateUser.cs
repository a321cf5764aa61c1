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
/// <param name="RequirePasswordChange">
/// The user must choose their own password at the first sign-in (the administrator knows this one). Always so from the
/// administrator's page and by default from the console; the console's operator may waive it for an account that is no
/// person's (a demo, a benchmark's load).
/// </param>
public sealed record CreateUserCommand(
    string Email,
    string? DisplayName,
    IReadOnlyList<string> Roles,
    string? PractitionerNpi = null,
    string? Password = null,
    UserProfile? Profile = null,
    bool RequirePasswordChange = true);

public sealed record CreatedUser(Guid Id, string Email, string? GeneratedPassword);

public sealed class CreateUserValidator : AbstractValidator<CreateUserCommand>
{
    public CreateUserValidator()
    {
        // Every field checked, one message each: the form reports all its mistakes at once.
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(c => c.Email).NotEmpty().WithMessage("Enter the user's e-mail address.")
            .MaximumLength(256).EmailAddress().WithMessage("'{PropertyValue}' is not an e-mail address.");
        RuleFor(c => c.DisplayName).MaximumLength(200);
        RuleFor(c => c.Roles).ValidRoles();
        RuleFor(c => c.PractitionerNpi).ValidNpi().When(c => c.PractitionerNpi is not null);
        RuleFor(c => c.PractitionerNpi).Null()
            .When(c => !c.Roles.Any(r => Access.Roles.Normalize(r) == Access.Roles.Physician))
            .WithMessage("Only a Physician account is linked to a practitioner NPI.");
        RuleFor(c => c.Profile!).SetValidator(new UserProfileValidator()).When(c => c.Profile is not null);
    }
}

/// <summary>
/// Creates an account with its roles and a password (generated and shown once, or given), which the user must replace
/// at the first sign-in unless the console waived it. Every mistake is reported at once: the form's rules, the password
/// policy, and an e-mail address or NPI already taken.
/// </summary>
[RequiresPermission(Permissions.UsersManage)]
public sealed class CreateUserHandler(
    PermissionCheck permissions,
    HimDbContext db,
    UserManager<HimUser> users,
    AccountPasswords passwords,
    AccessAudit audit,
    AccessHistory history,
    IValidator<CreateUserCommand> validator,
    TimeProvider clock) : Handler<CreateUserCommand, Result<CreatedUser>>(permissions)
{
    protected override async Task<Result<CreatedUser>> ExecuteAsync(CreateUserCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        var problems = validation.Errors.Select(e => new FieldError(e.PropertyName, e.ErrorMessage)).ToList();
        bool Valid(string field) => problems.All(p => p.Field != field);

        var email = (command.Email ?? "").Trim();
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
            MustChangePassword = command.RequirePasswordChange,
        };
        command.Profile?.ApplyTo(user);
        if (command.Password is not null)
        {
            problems.AddRange((await passwords.ProblemsAsync(user, command.Password)).Select(p => new FieldError("Password", p)));
        }

        return await db.InTransactionAsync<Result<CreatedUser>>(async token =>
        {
            var all = new List<FieldError>(problems);
            Error? duplicate = null;
            if (Valid(nameof(CreateUserCommand.Email)) && await users.FindByEmailAsync(email) is not null)
            {
                duplicate = UserErrors.DuplicateEmail(email);
                all.Add(new FieldError(duplicate.Field!, duplicate.Message));
            }

            if (Valid(nameof(CreateUserCommand.PractitionerNpi)) && user.PractitionerNpi is { } npi
                && await db.Users.AnyAsync(u => u.PractitionerNpi == npi, token))
            {
                duplicate = UserErrors.DuplicateNpi(npi);
                all.Add(new FieldError(duplicate.Field!, duplicate.Message));
            }

            if (all.Count > 0)
            {
                // A lone duplicate keeps its own code (the console and tests tell it from the rest).
                return all.Count == 1 && duplicate is not null ? duplicate : Error.Invalid(all);
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
                Details: $"created account; roles={string.Join(',', roles)}" + (user.PractitionerNpi is null ? "" : "; practitioner NPI linked")
                         + (user.MustChangePassword ? "; password change required at first sign-in" : "")), token);
            return Result<CreatedUser>.Success(new CreatedUser(user.Id, email, generated));
        }, ct);
    }
}
