using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Activation;

/// <param name="Before">Keyset cursor: the letter id the previous page ended at (ids are Guid v7, so they sort by issue time).</param>
public sealed record ListActivationLettersQuery(Guid PatientId, Guid? Before = null, int PageSize = 20);

public sealed record ActivationLetterView(
    Guid Id, DateTimeOffset IssuedAt, string IssuedBy, DateTimeOffset ExpiresAt, string State, string? Representative, bool HasLetter);

public sealed record ActivationLetterPage(Guid PatientId, string PatientName, DateOnly? BirthDate, string? Mrn,
    IReadOnlyList<ActivationLetterView> Letters, Guid? NextBefore);

/// <summary>The letters issued for a patient, newest first, with what became of each code. Audited as a view of the patient.</summary>
[RequiresPermission(Permissions.PortalEnrol)]
public sealed class ListActivationLettersHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, TimeProvider clock)
    : Handler<ListActivationLettersQuery, Result<ActivationLetterPage>>(permissions)
{
    public const string Used = "used";
    public const string Revoked = "replaced by a newer letter";
    public const string Locked = "locked after wrong answers";
    public const string Expired = "expired";
    public const string Waiting = "not used yet";

    protected override Task<Result<ActivationLetterPage>> ExecuteAsync(ListActivationLettersQuery query, CancellationToken ct) =>
        db.InTransactionAsync<Result<ActivationLetterPage>>(async token =>
        {
            var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == query.PatientId)
                .Select(p => new { p.Id, Name = (p.GivenNames + " " + p.FamilyName).Trim(), p.BirthDate, p.Mrn })
                .SingleOrDefaultAsync(token);
            if (patient is null)
            {
                return Error.NotFound("There is no such patient.");
            }

            var size = Math.Clamp(query.PageSize, 1, 100);
            var letters = db.ActivationCodes.AsNoTracking().Where(c => c.PatientId == patient.Id);
            if (query.Before is { } before)
            {
                letters = letters.Where(c => c.Id.CompareTo(before) < 0);
            }

            var now = clock.GetUtcNow();
            var rows = await letters.OrderByDescending(c => c.Id).Take(size + 1)
                .Select(c => new
                {
                    c.Id, c.IssuedAt, c.ExpiresAt, c.UsedAt, c.RevokedAt, c.LockedAt, c.LetterObjectId,
                    IssuedBy = db.Users.Where(u => u.Id == c.IssuedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
                    Representative = db.ProxyGrants.Where(g => g.Id == c.ProxyGrantId).Select(g => g.RepresentativeName).FirstOrDefault(),
                })
                .ToListAsync(token);
            var shown = rows.Take(size).ToList();
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "ActivationLetter", null, patient.Id,
                Purpose: "patient portal enrolment", Details: $"portal.activation-letters; {shown.Count} shown"), token);
            return Result<ActivationLetterPage>.Success(new ActivationLetterPage(patient.Id, patient.Name, patient.BirthDate, patient.Mrn,
                shown.Select(r => new ActivationLetterView(r.Id, r.IssuedAt, r.IssuedBy ?? "-", r.ExpiresAt,
                    r.UsedAt is not null ? Used : r.RevokedAt is not null ? Revoked : r.LockedAt is not null ? Locked : r.ExpiresAt <= now ? Expired : Waiting,
                    r.Representative, r.LetterObjectId is not null)).ToList(),
                rows.Count > size ? shown[^1].Id : null));
        }, ct);
}
