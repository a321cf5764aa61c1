using System.Globalization;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using HimPortal.Documents.CoverSheets;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig.Writer;

namespace HimPortal.Application.Documents.PrintCoverSheets;

/// <summary>What a clerk may put on a patient's cover sheets: the patient as printed, their encounters, and the catalogue's types.</summary>
public sealed record CoverSheetChoicesQuery(Guid PatientId);

public sealed record CoverSheetEncounter(Guid Id, string Label);

public sealed record CoverSheetType(Guid Id, string Name, string LoincCode);

public sealed record CoverSheetChoices(Guid PatientId, string PatientName, string Mrn, DateOnly? BirthDate,
    IReadOnlyList<CoverSheetEncounter> Encounters, IReadOnlyList<CoverSheetType> Types);

/// <summary>One PDF of cover sheets for one patient: the same encounter (or none) on each, one sheet per type chosen.</summary>
public sealed record PrintCoverSheetsCommand(Guid PatientId, Guid? EncounterId, IReadOnlyList<Guid> DocumentTypeIds);

public sealed record PrintedCoverSheets(byte[] Pdf, int Sheets);

/// <summary>
/// The encounters and types a cover sheet may name for one patient (issue 15 item 4). Indexing needs the patient's
/// encounters, so Intake.Index shows them here as it does on the indexing screen (dates and kinds only: minimum
/// necessary, 45 CFR 164.502(b)); the view is audited as operations (HOPERAT) with the patient's id. Only catalogue types
/// with a LOINC code are offered: the barcode names the type by it.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class CoverSheetChoicesHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, HospitalTime hospital)
    : Handler<CoverSheetChoicesQuery, Result<CoverSheetChoices>>(permissions)
{
    protected override async Task<Result<CoverSheetChoices>> ExecuteAsync(CoverSheetChoicesQuery query, CancellationToken ct)
    {
        var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == query.PatientId)
            .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.Mrn, p.BirthDate }).SingleOrDefaultAsync(ct);
        if (patient is null)
        {
            return Error.NotFound("There is no such patient.");
        }

        if (string.IsNullOrWhiteSpace(patient.Mrn))
        {
            return Error.Conflict("This patient has no MRN: a cover sheet names the patient by id and MRN, so it cannot be printed.");
        }

        var encounters = await CoverSheetLabels.EncountersAsync(db, hospital, query.PatientId, ct);
        var types = await CoverSheetLabels.TypesAsync(db, ct);
        return await db.InTransactionAsync<Result<CoverSheetChoices>>(async token =>
        {
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Patient", patient.Id.ToString("D"), patient.Id,
                ScannedDocumentAudit.OperationsPurpose, $"cover-sheet choices; {encounters.Count} encounter(s) listed"), token);
            return Result<CoverSheetChoices>.Success(new CoverSheetChoices(patient.Id, PatientName(patient.GivenNames, patient.FamilyName),
                patient.Mrn, patient.BirthDate, encounters, types));
        }, ct);
    }

    internal static string PatientName(string? given, string? family) => $"{given} {family}".Trim();
}

/// <summary>
/// Prints cover sheets (a PDF, one Letter page each) for a patient, optionally an encounter of theirs, and one or more
/// catalogue types: the QR code carries patient id, MRN, encounter id and LOINC code (CoverSheetPdf, ADR 0026), and the
/// importer checks them all again. Audited as a print with the patient's id (a cover sheet names a patient: it is PHI).
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class PrintCoverSheetsHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, HospitalTime hospital)
    : Handler<PrintCoverSheetsCommand, Result<PrintedCoverSheets>>(permissions)
{
    /// <summary>One stack of sheets per print: more is a mistake (a held key), not a batch.</summary>
    public const int MaxSheets = 20;

    protected override async Task<Result<PrintedCoverSheets>> ExecuteAsync(PrintCoverSheetsCommand command, CancellationToken ct)
    {
        var typeIds = command.DocumentTypeIds.Distinct().ToList();
        if (typeIds.Count == 0)
        {
            return Error.Invalid("Choose at least one document type.", "DocumentTypeIds");
        }

        if (typeIds.Count > MaxSheets)
        {
            return Error.Invalid($"Print at most {MaxSheets} cover sheets at once.", "DocumentTypeIds");
        }

        var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == command.PatientId)
            .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.Mrn }).SingleOrDefaultAsync(ct);
        if (patient is null)
        {
            return Error.NotFound("There is no such patient.");
        }

        if (string.IsNullOrWhiteSpace(patient.Mrn))
        {
            return Error.Conflict("This patient has no MRN: a cover sheet names the patient by id and MRN, so it cannot be printed.");
        }

        string? encounterLabel = null;
        if (command.EncounterId is { } encounterId)
        {
            var encounter = (await CoverSheetLabels.EncountersAsync(db, hospital, patient.Id, ct)).FirstOrDefault(e => e.Id == encounterId);
            if (encounter is null)
            {
                return Error.Invalid("The encounter is not one of this patient's.", "EncounterId");
            }

            encounterLabel = encounter.Label;
        }

        var types = (await CoverSheetLabels.TypesAsync(db, ct)).ToDictionary(t => t.Id);
        if (typeIds.FirstOrDefault(id => !types.ContainsKey(id)) is var unknown && unknown != Guid.Empty)
        {
            return Error.Invalid("A document type chosen is not in the catalogue, is retired, or has no LOINC code.", "DocumentTypeIds");
        }

        var name = CoverSheetChoicesHandler.PatientName(patient.GivenNames, patient.FamilyName);
        var pages = typeIds.Select(id => CoverSheetPdf.Write(new CoverSheet(
            new CoverSheetCode(patient.Id, patient.Mrn, command.EncounterId, types[id].LoincCode), name, encounterLabel, types[id].Name))).ToList();
        var pdf = pages.Count == 1 ? pages[0] : PdfMerger.Merge(pages);
        return await db.InTransactionAsync<Result<PrintedCoverSheets>>(async token =>
        {
            await audit.RecordAsync(new AuditRecord(AuditAction.Print, AuditOutcome.Success, "CoverSheet", patient.Id.ToString("D"), patient.Id,
                ScannedDocumentAudit.OperationsPurpose,
                string.Create(CultureInfo.InvariantCulture,
                    $"{pages.Count} sheet(s); encounter={command.EncounterId?.ToString("D") ?? "none"}; types={string.Join(',', typeIds.Select(id => types[id].LoincCode))}")),
                token);
            return Result<PrintedCoverSheets>.Success(new PrintedCoverSheets(pdf, pages.Count));
        }, ct);
    }
}

/// <summary>How a cover sheet names an encounter and which types it may carry; shared by the choices and the print.</summary>
internal static class CoverSheetLabels
{
    /// <summary>The patient's encounters, newest first, leaving out any a correction entered in error (another patient's, ADR 0015).</summary>
    public static async Task<IReadOnlyList<CoverSheetEncounter>> EncountersAsync(HimDbContext db, HospitalTime hospital, Guid patientId, CancellationToken ct)
    {
        var rows = await db.Set<Encounter>().AsNoTracking()
            .Where(e => e.PatientId == patientId && !db.EnteredInError.Any(x => x.ResourceId == e.Id && x.ClearedAt == null))
            .OrderByDescending(e => e.PeriodStart).ThenBy(e => e.Id)
            .Select(e => new { e.Id, e.PeriodStart, e.Class, e.TypeDisplay })
            .ToListAsync(ct);
        return rows.Select(e => new CoverSheetEncounter(e.Id, Label(e.PeriodStart is { } s ? hospital.DayOf(s) : null, e.Class, e.TypeDisplay))).ToList();
    }

    public static async Task<IReadOnlyList<CoverSheetType>> TypesAsync(HimDbContext db, CancellationToken ct) =>
        (await db.Set<DocumentType>().AsNoTracking().Where(t => t.Active && t.LoincCode != null)
            .OrderBy(t => t.SortOrder).ThenBy(t => t.Name).ToListAsync(ct))
        .Select(t => new CoverSheetType(t.Id, t.Name, t.LoincCode!)).ToList();

    private static string Label(DateOnly? day, string kind, string? type)
    {
        var date = day is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "undated";
        return string.IsNullOrWhiteSpace(type) ? $"{date} {kind}" : $"{date} {kind} - {type}";
    }
}
