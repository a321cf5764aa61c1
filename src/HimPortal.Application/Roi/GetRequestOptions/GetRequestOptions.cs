using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.ListRequests;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.GetRequestOptions;

/// <param name="PatientId">The patient chosen; null before one is (then only the catalogue's lists come back).</param>
public sealed record GetRequestOptionsQuery(Guid? PatientId);

public sealed record OptionPatient(Guid Id, string Name, string? Mrn, DateOnly? BirthDate);

public sealed record EncounterOption(Guid Id, DateTimeOffset? Start, string? Type, string Class);

public sealed record DocumentOption(Guid Id, string? Type, DateOnly? DocumentDate, int PageCount, DateTimeOffset ReceivedAt);

public sealed record DocumentTypeOption(string LoincCode, string Name);

/// <summary>What the request form offers: the intake catalogue's document types (LOINC), the configured states, the hospital's state, and for the chosen patient their encounters and filed scanned documents.</summary>
public sealed record RequestOptions(
    OptionPatient? Patient,
    IReadOnlyList<EncounterOption> Encounters,
    IReadOnlyList<DocumentOption> Documents,
    IReadOnlyList<DocumentTypeOption> DocumentTypes,
    IReadOnlyList<string> States,
    string HospitalState);

/// <summary>
/// The choices of the request form. With a patient it lists their encounters and scanned documents (a view of the
/// patient's record, audited as one in the same transaction, ResourceType "Patient"); without one, only catalogues.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class GetRequestOptionsHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit)
    : Handler<GetRequestOptionsQuery, Result<RequestOptions>>(permissions)
{
    protected override async Task<Result<RequestOptions>> ExecuteAsync(GetRequestOptionsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<RequestOptions>>(async token =>
        {
            var types = await db.Set<DocumentType>().AsNoTracking().Where(t => t.Active && t.LoincCode != null)
                .OrderBy(t => t.SortOrder).ThenBy(t => t.Name).Select(t => new DocumentTypeOption(t.LoincCode!, t.Name)).ToListAsync(token);
            types = [.. types.DistinctBy(t => t.LoincCode)];
            var states = await db.StateRules.AsNoTracking().Where(s => s.Active).OrderBy(s => s.StateCode).Select(s => s.StateCode).ToListAsync(token);
            var hospitalState = await db.RoiSettings.AsNoTracking().Select(s => s.HospitalState).SingleAsync(token);
            if (!states.Contains(hospitalState))
            {
                states.Insert(0, hospitalState);
            }

            if (query.PatientId is not { } patientId)
            {
                return Result<RequestOptions>.Success(new RequestOptions(null, [], [], types, states, hospitalState));
            }

            var patient = await db.Set<Patient>().Where(p => p.Id == patientId)
                .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.Mrn, p.BirthDate }).SingleOrDefaultAsync(token);
            if (patient is null)
            {
                return Error.NotFound();
            }

            var encounters = await db.Set<Encounter>().AsNoTracking().Where(e => e.PatientId == patientId)
                .OrderByDescending(e => e.PeriodStart).Take(500)
                .Select(e => new EncounterOption(e.Id, e.PeriodStart, e.TypeDisplay, e.Class)).ToListAsync(token);
            var documents = await db.Set<ScannedDocument>().AsNoTracking().Where(d => d.PatientId == patientId && d.Status == ScannedDocumentStatus.Filed)
                .OrderByDescending(d => d.ReceivedAt).Take(200)
                .Select(d => new DocumentOption(d.Id, db.Set<DocumentType>().Where(t => t.Id == d.DocumentTypeId).Select(t => t.Name).FirstOrDefault(),
                    d.DocumentDate, d.PageCount, d.ReceivedAt)).ToListAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Patient", patientId.ToString("D"), patientId,
                Details: $"release request form: {encounters.Count} encounters and {documents.Count} scanned documents listed"), token);
            return Result<RequestOptions>.Success(new RequestOptions(
                new OptionPatient(patient.Id, ListRequestsHandler.PatientName(patient.GivenNames, patient.FamilyName), patient.Mrn, patient.BirthDate),
                encounters, documents, types, states, hospitalState));
        }, ct);
    }
}
