using System.Globalization;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Letters;
using HimPortal.Application.Common.Mail;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Activation;

/// <param name="ProxyGrantId">A personal representative's letter (45 CFR 164.502(g)): the grant's representative activates it.</param>
public sealed record IssueActivationLetterCommand(Guid PatientId, Guid? ProxyGrantId = null);

/// <param name="Code">The one-time code, as printed: returned once to the caller, never stored.</param>
public sealed record IssuedActivationLetter(Guid LetterId, string Code, DateTimeOffset ExpiresAt, int OlderCodesRevoked);

public sealed class IssueActivationLetterValidator : AbstractValidator<IssueActivationLetterCommand>
{
    public IssueActivationLetterValidator()
    {
        RuleFor(c => c.PatientId).NotEmpty().WithMessage("Choose the patient the letter is for.");
    }
}

/// <summary>
/// HIM staff issue a portal activation letter for a person (issue 19 item 2): a new one-time code (only its SHA-256
/// kept), valid for PortalSettings.ActivationCodeDays, printed with the portal's address as a PDF kept in the document
/// store. A newer letter revokes the same person's (or the same representative's) older unused code, so only the last
/// letter works. The patient's record is read to address the letter, so the read and the letter are audited together.
/// </summary>
[RequiresPermission(Permissions.PortalEnrol)]
public sealed class IssueActivationLetterHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IDocumentStore store,
    PortalAddress portal,
    HospitalTime hospital,
    IValidator<IssueActivationLetterCommand> validator,
    TimeProvider clock) : Handler<IssueActivationLetterCommand, Result<IssuedActivationLetter>>(permissions)
{
    protected override async Task<Result<IssuedActivationLetter>> ExecuteAsync(IssueActivationLetterCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        if (portal.PublicUrl is null)
        {
            return Error.Invalid("The portal's address is not configured (setting Portal:PublicUrl): ask the administrator to set it before letters are issued.");
        }

        return await db.InTransactionAsync<Result<IssuedActivationLetter>>(async token =>
        {
            var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == command.PatientId)
                .Select(p => new { p.Id, p.GivenNames, p.FamilyName })
                .SingleOrDefaultAsync(token);
            if (patient is null)
            {
                return Error.NotFound("There is no such patient.");
            }

            ProxyGrant? grant = null;
            if (command.ProxyGrantId is { } grantId)
            {
                grant = await db.ProxyGrants.AsNoTracking().SingleOrDefaultAsync(g => g.Id == grantId && g.PatientId == patient.Id, token);
                if (grant is null || grant.RevokedAt is not null)
                {
                    return Error.NotFound("There is no such representative in force for this patient.");
                }
            }

            var settings = await db.PortalSettings.AsNoTracking().SingleAsync(token);
            var now = clock.GetUtcNow();
            var revoked = await db.ActivationCodes
                .Where(c => c.PatientId == patient.Id && c.ProxyGrantId == command.ProxyGrantId && c.UsedAt == null && c.RevokedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.RevokedAt, now), token);

            var code = ActivationCodeText.NewCode();
            var expires = hospital.StartOf(hospital.DayOf(now).AddDays(settings.ActivationCodeDays + 1));
            var addressee = grant is null ? $"{patient.GivenNames} {patient.FamilyName}".Trim() : grant.RepresentativeName;
            var pdf = LetterPdf.Write(Letter(addressee, grant is null ? null : $"{patient.GivenNames} {patient.FamilyName}".Trim(), grant?.RepresentativeFamilyName,
                code, hospital.DayOf(now), hospital.DayOf(expires).AddDays(-1), portal.Link("Account/Activate")));
            var objectId = Guid.CreateVersion7();
            using (var content = new MemoryStream(pdf, writable: false))
            {
                await store.PutAsync(objectId, content, token);
            }

            var letter = new ActivationCode
            {
                Id = Guid.CreateVersion7(),
                PatientId = patient.Id,
                ProxyGrantId = grant?.Id,
                CodeHash = ActivationCodeText.Hash(code),
                IssuedAt = now,
                IssuedByUserId = actors.Current.UserId ?? Guid.Empty,
                ExpiresAt = expires,
                LetterObjectId = objectId,
            };
            db.ActivationCodes.Add(letter);
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Print, AuditOutcome.Success, "ActivationLetter", letter.Id.ToString("D"), patient.Id,
                Purpose: "patient portal enrolment",
                Details: "portal.activation-letter" + (grant is null ? "" : "; representative grant " + grant.Id.ToString("D"))
                         + (revoked > 0 ? $"; {revoked} older code(s) revoked" : "")), token);
            return Result<IssuedActivationLetter>.Success(new IssuedActivationLetter(letter.Id, code, expires, revoked));
        }, ct);
    }

    private static LetterContent Letter(string addressee, string? representedName, string? representativeFamily, string code, DateOnly today,
        DateOnly lastDay, Uri activate)
    {
        var last = lastDay.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture);
        List<string> paragraphs = representedName is null
            ?
            [
                "You can now see your health record online, in the hospital's patient portal. This letter has the code you need to create your account.",
            ]
            :
            [
                $"You have been set up as the personal representative of {representedName}. You can now see their health record online, in the hospital's patient portal. This letter has the code you need to create your account.",
            ];
        paragraphs.AddRange(
        [
            "To create your account:",
            $"- Open {activate.AbsoluteUri}",
            "- Enter this activation code: " + code,
            representedName is null
                ? "- Enter your birth date and your family name, as the hospital has them."
                : $"- Enter your own birth date and your own family name ({representativeFamily}), as you gave them to the hospital.",
            "- Choose your e-mail address and a password.",
            $"The code works once, until {last}. After a few wrong tries it stops working. If it has expired or stopped working, ask the Health Information Management department for a new letter; a new letter cancels this one.",
            "Keep this letter private: anyone with the code and these details could create the account.",
        ]);
        return new LetterContent("Health Information Management", [addressee], today, "Your patient portal activation code", paragraphs,
            Footer: "Patient portal activation letter");
    }
}
