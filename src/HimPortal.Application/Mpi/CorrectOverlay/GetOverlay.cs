using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Mpi.CorrectOverlay;

public sealed record GetOverlayQuery(Guid PatientId) : IPatientRequest;

/// <summary>An item a reviewer may pick as another person's: an encounter (it moves with everything that refers to it) or a loose item.</summary>
/// <param name="Key">"Type:id", as the correction form posts it.</param>
public sealed record OverlayItem(string Key, string ResourceType, DateTimeOffset? At, string Description);

/// <param name="RecordVersion">The record's version the reviewer sees: the correction is refused if it has moved on.</param>
public sealed record OverlayView(Guid PatientId, string Name, string? Mrn, DateOnly? BirthDate, long RecordVersion, IReadOnlyList<OverlayItem> Items);

/// <summary>
/// The items of a record that may be another person's (issue 16 item 4, overlays): its encounters and the notes and
/// results attached to none, in force, newest first. Audited as a view of the record.
/// </summary>
[RequiresPermission(Permissions.RecordsCorrect)]
public sealed class GetOverlayHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit) : Handler<GetOverlayQuery, Result<OverlayView>>(permissions)
{
    protected override async Task<Result<OverlayView>> ExecuteAsync(GetOverlayQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<OverlayView>>(async token =>
        {
            var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == query.PatientId)
                .Select(p => new { p.GivenNames, p.FamilyName, p.Mrn, p.BirthDate }).SingleOrDefaultAsync(token);
            if (patient is null)
            {
                return Error.NotFound("There is no such patient record.");
            }

            var version = await db.RecordVersions.Where(v => v.RecordId == query.PatientId).Select(v => (long?)v.Version).SingleOrDefaultAsync(token) ?? 0;
            var encounters = await db.Set<Encounter>().AsNoTracking().Where(e => e.PatientId == query.PatientId).WhereInForce(db)
                .Select(e => new OverlayItem("Encounter:" + e.Id, "Encounter", e.PeriodStart, e.Class + (e.TypeDisplay == null ? "" : ": " + e.TypeDisplay)))
                .ToListAsync(token);
            var notes = await db.Set<ClinicalNote>().AsNoTracking().Where(n => n.PatientId == query.PatientId && n.EncounterId == null).WhereInForce(db)
                .Select(n => new OverlayItem("DocumentReference:" + n.Id, "DocumentReference", n.Date, "note: " + (n.TypeDisplay ?? "untitled")))
                .ToListAsync(token);
            var results = await db.Set<Observation>().AsNoTracking().Where(o => o.PatientId == query.PatientId && o.EncounterId == null).WhereInForce(db)
                .Select(o => new OverlayItem("Observation:" + o.Id, "Observation", o.EffectiveAt, "result: " + (o.Display ?? o.Code)))
                .ToListAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Overlay", query.PatientId.ToString("D"), query.PatientId,
                "HOPERAT", $"overlay correction form; items={encounters.Count + notes.Count + results.Count}"), token);
            return Result<OverlayView>.Success(new OverlayView(query.PatientId, $"{patient.GivenNames} {patient.FamilyName}".Trim(), patient.Mrn, patient.BirthDate,
                version, [.. encounters.Concat(notes).Concat(results).OrderByDescending(i => i.At)]));
        }, ct);
    }
}
