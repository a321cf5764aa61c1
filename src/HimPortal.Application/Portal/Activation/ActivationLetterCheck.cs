using FluentValidation;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Patients;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Activation;

/// <summary>What a letter's holder types: the code, and the birth date and family name that prove who holds it.</summary>
public interface IActivationAnswers
{
    string Code { get; }

    DateOnly? BirthDate { get; }

    string FamilyName { get; }
}

/// <summary>The answers' form, for every page that takes a letter (creating an account, adding a person to one).</summary>
public sealed class ActivationAnswersValidator : AbstractValidator<IActivationAnswers>
{
    public ActivationAnswersValidator()
    {
        RuleFor(c => c.Code).Must(c => ActivationCodeText.Normalize(c).Length == ActivationCodeText.Length)
            .WithMessage("Enter the 12-character code from your letter.");
        RuleFor(c => c.BirthDate).NotNull().WithMessage("Enter your birth date.");
        RuleFor(c => c.FamilyName).NotEmpty().WithMessage("Enter your family name.").MaximumLength(100);
    }
}

/// <summary>Which page used a letter, as its audit rows say it (Details prefix and purpose).</summary>
public sealed record ActivationUse(string Details, string Purpose)
{
    public static readonly ActivationUse Activate = new("portal.activate", "patient portal activation");

    public static readonly ActivationUse AddPerson = new("portal.add-person", "personal representative");
}

/// <summary>Who must answer: the patient, or for a representative's letter the representative (from the grant).</summary>
public sealed record LetterHolder(DateOnly? BirthDate, string? FamilyName, string? Mrn, string? GivenNames);

/// <summary>
/// A letter found by its code and still usable, its code (and a representative's grant) locked FOR UPDATE in the caller's
/// transaction until it commits, so two pages cannot spend one code or name two accounts on one grant.
/// </summary>
public sealed record LetterInHand(ActivationCode Code, ProxyGrant? Grant, LetterHolder Holder);

/// <summary>
/// The checks every use of an activation letter makes (issue 19 item 2; ADR 0041): the code is looked up by its SHA-256
/// (only the hash is stored, and the lookup compares hashes, so its timing says nothing about the code); an expired,
/// used, replaced or locked code is refused with one message; wrong answers (birth date, family name: the patient's, or
/// a representative's own from the grant, 45 CFR 164.502(g)) count under the row lock and lock the code at
/// PortalSettings.ActivationMaxAttempts. Each refusal is audited as the page's <see cref="ActivationUse"/>.
/// </summary>
public sealed class ActivationLetterCheck(HimDbContext db, AccessAudit audit, TimeProvider clock)
{
    /// <summary>The usable letter with this code, or the refusal (audited). Call inside the handler's transaction.</summary>
    public async Task<Result<LetterInHand>> FindAsync(string typedCode, ActivationUse use, CancellationToken ct)
    {
        var hash = ActivationCodeText.Hash(typedCode);
        var now = clock.GetUtcNow();
        var code = await db.ActivationCodes.FromSql($"SELECT *, xmin FROM portal.activation_codes WHERE code_hash = {hash} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (code is null)
        {
            await AuditAsync(use, AuditOutcome.Denied, null, null, "unknown code", ct);
            return ActivationErrors.NoMatch;
        }

        var state = code.UsedAt is not null ? "code already used" : code.RevokedAt is not null ? "code replaced by a newer letter"
            : code.LockedAt is not null ? "code locked" : code.ExpiresAt <= now ? "code expired" : null;
        if (state is not null)
        {
            await AuditAsync(use, AuditOutcome.Denied, code.Id, code.PatientId, state, ct);
            return ActivationErrors.Unusable;
        }

        var grant = code.ProxyGrantId is { } grantId
            ? await db.ProxyGrants.FromSql($"SELECT *, xmin FROM portal.proxy_grants WHERE id = {grantId} FOR UPDATE").SingleOrDefaultAsync(ct)
            : null;
        var holder = grant is null
            ? await db.Set<Patient>().AsNoTracking().Where(p => p.Id == code.PatientId)
                .Select(p => new LetterHolder(p.BirthDate, p.FamilyName, p.Mrn, p.GivenNames)).SingleAsync(ct)
            : new LetterHolder(grant.RepresentativeBirthDate, grant.RepresentativeFamilyName, null, grant.RepresentativeName);
        return Result<LetterInHand>.Success(new LetterInHand(code, grant, holder));
    }

    /// <summary>
    /// Null when the answers are the holder's; otherwise the wrong try is counted (and the code locked at the limit),
    /// audited, and the refusal returned. The message never says which answer was wrong.
    /// </summary>
    public async Task<Error?> CheckAnswersAsync(LetterInHand letter, IActivationAnswers answers, ActivationUse use, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(answers);
        if (letter.Holder.BirthDate == answers.BirthDate && SameName(letter.Holder.FamilyName, answers.FamilyName))
        {
            return null;
        }

        var code = letter.Code;
        var settings = await db.PortalSettings.AsNoTracking().SingleAsync(ct);
        code.FailedAttempts++;
        if (code.FailedAttempts >= settings.ActivationMaxAttempts)
        {
            code.LockedAt = clock.GetUtcNow();
        }

        await db.SaveChangesAsync(ct);
        await AuditAsync(use, AuditOutcome.Denied, code.Id, code.PatientId,
            $"answers do not match (attempt {code.FailedAttempts} of {settings.ActivationMaxAttempts})" + (code.LockedAt is null ? "" : "; code locked"), ct);
        return code.LockedAt is null ? ActivationErrors.NoMatch : ActivationErrors.Unusable;
    }

    /// <summary>Spends the code for <paramref name="userId"/> and names that account on a representative's grant; the caller audits.</summary>
    public async Task SpendAsync(LetterInHand letter, Guid userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(letter);
        letter.Code.UsedAt = clock.GetUtcNow();
        letter.Code.UserId = userId;
        if (letter.Grant is { } grant)
        {
            grant.RepresentativeUserId = userId;
        }

        await db.SaveChangesAsync(ct);
    }

    public async Task AuditAsync(ActivationUse use, string outcome, Guid? codeId, Guid? patientId, string what, CancellationToken ct, Guid? userId = null)
    {
        ArgumentNullException.ThrowIfNull(use);
        await audit.RecordAsync(new AuditRecord(AuditAction.Create, outcome, "PortalAccount", (userId ?? codeId)?.ToString("D"), patientId,
            Purpose: use.Purpose, Details: use.Details + "; " + what), ct);
    }

    private static bool SameName(string? recorded, string typed) =>
        recorded is not null && string.Equals(PatientNames.Fold(recorded.Trim()), PatientNames.Fold(typed.Trim()), StringComparison.Ordinal);
}
