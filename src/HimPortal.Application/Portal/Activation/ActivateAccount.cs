using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.History;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Application.Portal.Activation;

/// <summary>
/// The letter's code with the answers that prove who holds it. Without <see cref="Email"/> only the answers are checked
/// (the first step of the page); with it the account is created.
/// </summary>
public sealed record ActivateAccountCommand(string Code, DateOnly? BirthDate, string FamilyName, string? Email = null, string? Password = null)
    : IActivationAnswers;

/// <param name="AccountCreated">False after the check alone: the answers were right, the account is next.</param>
public sealed record Activation(bool AccountCreated, Guid? UserId, bool Representative);

public sealed class ActivateAccountValidator : AbstractValidator<ActivateAccountCommand>
{
    public ActivateAccountValidator()
    {
        Include(new ActivationAnswersValidator());
        RuleFor(c => c.Email).NotEmpty().WithMessage("Enter your e-mail address.")
            .MaximumLength(256).WithMessage("An e-mail address is at most 256 characters.")
            .EmailAddress().WithMessage("That is not an e-mail address.")
            .When(c => c.Email is not null);
        RuleFor(c => c.Password).NotEmpty().WithMessage("Choose a password.").When(c => c.Email is not null);
    }
}

public static class ActivationErrors
{
    // One message for a wrong code, birth date or family name: saying which was wrong would help someone guessing.
    public static Error NoMatch => new(ErrorKind.Invalid, "activation.no-match",
        "The code, birth date and family name do not match what the hospital has. Check them against your letter and try again.");

    // Expired, used, replaced or locked: the code itself is no longer usable, whatever the answers.
    public static Error Unusable => new(ErrorKind.Invalid, "activation.unusable",
        "This code can no longer be used. Ask the hospital's Health Information Management department for a new letter.");

    public static Error EmailTaken => new(ErrorKind.Invalid, "activation.email-taken",
        "This e-mail address cannot be used for a new account. Use another one, or sign in if you already have an account.", "Email");
}

/// <summary>
/// Creates a portal account from an activation letter (issue 19 item 2): the code (looked up by its SHA-256) and the
/// holder's birth date and family name (the patient's; a representative's own from the grant, 45 CFR 164.502(g)). A
/// wrong answer counts against the code and locks it after PortalSettings.ActivationMaxAttempts; an expired, used,
/// replaced or locked code is refused with one plain message. With an e-mail and a password (checked by the NIST
/// validator) the Patient account is created, linked to the record's MRN (or, for a representative, named on the
/// grant), and the code is spent, in one transaction with its audit row (portal.activate).
/// </summary>
[RequiresPermission(Permissions.Anyone)]
public sealed class ActivateAccountHandler(
    PermissionCheck permissions,
    HimDbContext db,
    UserManager<HimUser> users,
    AccountPasswords passwords,
    AccessHistory history,
    ActivationLetterCheck letters,
    IValidator<ActivateAccountCommand> validator,
    TimeProvider clock) : Handler<ActivateAccountCommand, Result<Activation>>(permissions)
{
    protected override async Task<Result<Activation>> ExecuteAsync(ActivateAccountCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<Activation>>(async token =>
        {
            var now = clock.GetUtcNow();
            var found = await letters.FindAsync(command.Code, ActivationUse.Activate, token);
            if (!found.IsSuccess)
            {
                return found.Error!;
            }

            var (code, grant, holder) = found.Value!;
            if (code.ProxyGrantId is not null && (grant is null || grant.RevokedAt is not null))
            {
                await Audit(AuditOutcome.Denied, code.Id, code.PatientId, "representative's grant revoked", token);
                return ActivationErrors.Unusable;
            }

            if (await letters.CheckAnswersAsync(found.Value!, command, ActivationUse.Activate, token) is { } wrong)
            {
                return wrong;
            }

            if (command.Email is null)
            {
                await Audit(AuditOutcome.Success, code.Id, code.PatientId, "answers match; account next", token);
                return Result<Activation>.Success(new Activation(false, null, grant is not null));
            }

            var email = command.Email.Trim();
            var user = new HimUser
            {
                Id = Guid.CreateVersion7(),
                UserName = email,
                Email = email,
                EmailConfirmed = true,
                DisplayName = grant?.RepresentativeName ?? $"{holder.GivenNames} {holder.FamilyName}".Trim(),
                FamilyName = holder.FamilyName,
                PatientMrn = holder.Mrn,
                CreatedAt = now,
                LockoutEnabled = true,
            };
            var problems = await passwords.ProblemsAsync(user, command.Password!);
            if (problems.Count > 0)
            {
                return Error.Invalid([.. problems.Select(p => new FieldError("Password", p))]);
            }

            if (await users.FindByEmailAsync(email) is not null)
            {
                await Audit(AuditOutcome.Denied, code.Id, code.PatientId, "e-mail address already has an account", token);
                return ActivationErrors.EmailTaken;
            }

            var created = await users.CreateAsync(user, command.Password!);
            if (!created.Succeeded)
            {
                return Error.Invalid(string.Join(" ", created.Errors.Select(e => e.Description)));
            }

            var added = await users.AddToRoleAsync(user, Roles.Patient);
            if (!added.Succeeded)
            {
                throw new InvalidOperationException("Could not give the new account the Patient role: " + string.Join(" ", added.Errors.Select(e => e.Code)));
            }

            await history.UserCreatedAsync(user, [Roles.Patient], token);
            await letters.SpendAsync(found.Value!, user.Id, token);
            await Audit(AuditOutcome.Success, code.Id, code.PatientId,
                grant is null ? "account created for the patient" : "account created for the personal representative", token, user.Id);
            return Result<Activation>.Success(new Activation(true, user.Id, grant is not null));
        }, ct);
    }

    private Task Audit(string outcome, Guid? codeId, Guid? patientId, string what, CancellationToken ct, Guid? userId = null) =>
        letters.AuditAsync(ActivationUse.Activate, outcome, codeId, patientId, what, ct, userId);
}
