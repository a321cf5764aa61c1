using System.Security.Cryptography;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Proxies;

// Personal representatives (45 CFR 164.502(g)): HIM staff give a parent, a guardian or a health-care agent proxy access
// to another person's portal, with the document that proves the authority. Access ends on the grant's end date (a
// minor's birthday at the configured age, by default) or when revoked; grants are never removed.

public static class ProxyErrors
{
    public static readonly Error NotFound = Error.NotFound("There is no such patient or grant.");

    public static readonly Error AlreadyRevoked = new(ErrorKind.Conflict, "already-revoked", "This grant was revoked already.");

    public static readonly Error Conflict = Error.Conflict("Someone else changed this grant since you opened the page. Review it and try again.");

    /// <summary>The largest authority document accepted (a few scanned pages).</summary>
    public const int MaxDocumentBytes = 20 * 1024 * 1024;
}

public sealed record ProxyGrantView(Guid Id, string RepresentativeName, string RepresentativeFamilyName, DateOnly RepresentativeBirthDate,
    string Relationship, string AuthorityDocument, bool HasAuthorityScan, DateOnly StartsOn, DateOnly? EndsOn, bool HideMinorConsentedCare,
    bool Activated, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, string? RevokeReason, uint Version)
{
    public bool InForceOn(DateOnly day) => RevokedAt is null && StartsOn <= day && (EndsOn is null || EndsOn >= day);
}

/// <summary>The grant form's defaults for a person: a parent of a minor ends at the configured age; the minor-consented-care setting.</summary>
public sealed record ProxyDefaults(string PatientName, DateOnly? BirthDate, DateOnly Today, DateOnly? ParentEndsOn, bool HideMinorConsentedCare, bool IsMinor);

public sealed record ProxyGrantsView(ProxyDefaults Defaults, IReadOnlyList<ProxyGrantView> Grants);

public sealed record ListProxyGrantsQuery(Guid PatientId) : IPatientRequest;

/// <summary>A person's representatives, newest first, with the form's defaults. Reading them is reading the patient's record: audited.</summary>
[RequiresPermission(Permissions.PortalEnrol)]
public sealed class ListProxyGrantsHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, TimeProvider clock, HospitalTime hospital)
    : Handler<ListProxyGrantsQuery, Result<ProxyGrantsView>>(permissions)
{
    protected override Task<Result<ProxyGrantsView>> ExecuteAsync(ListProxyGrantsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return db.InTransactionAsync<Result<ProxyGrantsView>>(async token =>
        {
            var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == query.PatientId)
                .Select(p => new { Name = p.GivenNames + " " + p.FamilyName, p.BirthDate }).SingleOrDefaultAsync(token);
            if (patient is null)
            {
                return ProxyErrors.NotFound;
            }

            var settings = await db.PortalSettings.AsNoTracking().SingleAsync(token);
            var grants = await db.ProxyGrants.AsNoTracking().Where(g => g.PatientId == query.PatientId)
                .OrderByDescending(g => g.CreatedAt).ThenBy(g => g.Id)
                .Select(g => new ProxyGrantView(g.Id, g.RepresentativeName, g.RepresentativeFamilyName, g.RepresentativeBirthDate, g.Relationship,
                    g.AuthorityDocument, g.AuthorityObjectId != null, g.StartsOn, g.EndsOn, g.HideMinorConsentedCare, g.RepresentativeUserId != null,
                    g.CreatedAt, g.RevokedAt, g.RevokeReason, g.Version))
                .Take(200)
                .ToListAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Patient", query.PatientId.ToString("D"), query.PatientId,
                Purpose: "HOPERAT", Details: $"portal.proxies; count={grants.Count}"), token);
            var today = hospital.DayOf(clock.GetUtcNow());
            var endsAt = ProxyDates.ParentEndsOn(patient.BirthDate, settings.ProxyEndsAtAge);
            return Result<ProxyGrantsView>.Success(new ProxyGrantsView(
                new ProxyDefaults(patient.Name, patient.BirthDate, today, endsAt, settings.HideMinorConsentedCareFromProxy, endsAt is { } e && e > today),
                grants));
        }, ct);
    }
}

/// <summary>Dates of a representative's grant.</summary>
public static class ProxyDates
{
    /// <summary>The end of a parent's access: the day before the minor's birthday at <paramref name="age"/> (access to a minor's record, 164.502(g)(3)).</summary>
    public static DateOnly? ParentEndsOn(DateOnly? birthDate, int age) => birthDate?.AddYears(age).AddDays(-1);
}

/// <param name="EndsOn">Null: for a parent, the minor's birthday at the configured age; for others, until revoked.</param>
/// <param name="HideMinorConsentedCare">Null: the hospital's setting.</param>
/// <param name="AuthorityPdf">The document's scan, a PDF (optional: the document may be kept on paper and described).</param>
public sealed record CreateProxyGrantCommand(
    Guid PatientId,
    string RepresentativeName,
    string RepresentativeFamilyName,
    DateOnly? RepresentativeBirthDate,
    string Relationship,
    string AuthorityDocument,
    byte[]? AuthorityPdf,
    DateOnly? StartsOn,
    DateOnly? EndsOn,
    bool? HideMinorConsentedCare) : IPatientRequest;

public sealed class CreateProxyGrantValidator : AbstractValidator<CreateProxyGrantCommand>
{
    public CreateProxyGrantValidator()
    {
        RuleFor(c => c.RepresentativeName).NotEmpty().WithMessage("Give the representative's full name.")
            .MaximumLength(200).WithMessage("Keep the name under 200 characters.");
        RuleFor(c => c.RepresentativeFamilyName).NotEmpty().WithMessage("Give the representative's family name: they answer it when they activate.")
            .MaximumLength(100).WithMessage("Keep the family name under 100 characters.");
        RuleFor(c => c.RepresentativeBirthDate).NotNull().WithMessage("Give the representative's birth date: they answer it when they activate.");
        RuleFor(c => c.Relationship).Must(r => ProxyRelationships.All.Contains(r))
            .WithMessage("Choose what the representative is to the person: parent, guardian or health-care agent.");
        RuleFor(c => c.AuthorityDocument).NotEmpty().WithMessage("Describe the document that proves the authority (for example: birth certificate).")
            .MaximumLength(500).WithMessage("Keep the description under 500 characters.");
        RuleFor(c => c.AuthorityPdf).Must(b => b is null || (b.Length <= ProxyErrors.MaxDocumentBytes && b.AsSpan().StartsWith("%PDF-"u8)))
            .WithMessage("Upload the document as a PDF of at most 20 MB.");
        RuleFor(c => c).Must(c => c.EndsOn is null || c.StartsOn is null || c.EndsOn >= c.StartsOn)
            .WithName("EndsOn").WithMessage("The end date comes on or after the start date.");
    }
}

/// <summary>
/// Sets up a representative's grant (45 CFR 164.502(g)): who, what they are to the person, the document that proves the
/// authority (its scan kept in the document store, with its SHA-256), from when to when; audited in the same transaction.
/// The representative's account is joined to it when they activate their letter (portal-access).
/// </summary>
[RequiresPermission(Permissions.PortalEnrol)]
public sealed class CreateProxyGrantHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors,
    IValidator<CreateProxyGrantCommand> validator, IDocumentStore store, TimeProvider clock, HospitalTime hospital) : Handler<CreateProxyGrantCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(CreateProxyGrantCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var now = clock.GetUtcNow();
        return await db.InTransactionAsync<Result<Guid>>(async token =>
        {
            var birthDate = await db.Set<Patient>().Where(p => p.Id == command.PatientId).Select(p => new { p.BirthDate }).SingleOrDefaultAsync(token);
            if (birthDate is null)
            {
                return ProxyErrors.NotFound;
            }

            var settings = await db.PortalSettings.AsNoTracking().SingleAsync(token);
            var grant = new ProxyGrant
            {
                Id = Guid.CreateVersion7(now),
                PatientId = command.PatientId,
                RepresentativeName = command.RepresentativeName.Trim(),
                RepresentativeFamilyName = command.RepresentativeFamilyName.Trim(),
                RepresentativeBirthDate = command.RepresentativeBirthDate!.Value,
                Relationship = command.Relationship,
                AuthorityDocument = command.AuthorityDocument.Trim(),
                StartsOn = command.StartsOn ?? hospital.DayOf(now),
                EndsOn = command.EndsOn ?? (command.Relationship == ProxyRelationships.Parent
                    ? ProxyDates.ParentEndsOn(birthDate.BirthDate, settings.ProxyEndsAtAge)
                    : null),
                HideMinorConsentedCare = command.HideMinorConsentedCare ?? settings.HideMinorConsentedCareFromProxy,
                CreatedAt = now,
                CreatedByUserId = actors.Current.UserId ?? Guid.Empty,
            };
            if (command.AuthorityPdf is { } pdf)
            {
                grant.AuthorityObjectId = Guid.CreateVersion7(now);
                grant.AuthoritySha256 = SHA256.HashData(pdf);
                await using var content = new MemoryStream(pdf, writable: false);
                await store.PutAsync(grant.AuthorityObjectId.Value, content, token);
            }

            db.ProxyGrants.Add(grant);
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "ProxyGrant", grant.Id.ToString("D"), command.PatientId,
                Purpose: "HOPERAT", Details: $"portal.proxy created; relationship={grant.Relationship}; ends={grant.EndsOn?.ToString("O") ?? "none"}; scan={(grant.AuthorityObjectId is null ? "no" : "yes")}"), token);
            return Result<Guid>.Success(grant.Id);
        }, ct);
    }
}

public sealed record RevokeProxyGrantCommand(Guid PatientId, Guid GrantId, string Reason, uint Version) : IPatientRequest;

public sealed class RevokeProxyGrantValidator : AbstractValidator<RevokeProxyGrantCommand>
{
    public RevokeProxyGrantValidator()
    {
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why the grant is revoked.").MaximumLength(500).WithMessage("Keep the reason under 500 characters.");
    }
}

/// <summary>Revokes a grant: the representative's next read is refused by the chart gate. The row stays. Audited.</summary>
[RequiresPermission(Permissions.PortalEnrol)]
public sealed class RevokeProxyGrantHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors,
    IValidator<RevokeProxyGrantCommand> validator, TimeProvider clock) : Handler<RevokeProxyGrantCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(RevokeProxyGrantCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await PortalEnding.EndAsync(db, audit, db.ProxyGrants.Where(g => g.Id == command.GrantId && g.PatientId == command.PatientId),
            command.Version, new EndingErrors(ProxyErrors.NotFound, ProxyErrors.AlreadyRevoked, ProxyErrors.Conflict), grant => grant.RevokedAt is not null, grant =>
            {
                grant.RevokedAt = clock.GetUtcNow();
                grant.RevokedByUserId = actors.Current.UserId;
                grant.RevokeReason = command.Reason.Trim();
                return new AuditRecord(AuditAction.Update, AuditOutcome.Success, "ProxyGrant", grant.Id.ToString("D"), grant.PatientId,
                    Purpose: "HOPERAT", Details: "portal.proxy revoked");
            }, ct);
    }
}
