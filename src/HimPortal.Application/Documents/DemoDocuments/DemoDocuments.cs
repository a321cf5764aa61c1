using System.Globalization;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Documents.CaptureFiles;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using HimPortal.Documents.CoverSheets;
using HimPortal.Documents.Synthetic;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.DemoDocuments;

/// <param name="SyntheaFolder">The Synthea bundles the demo's patients were imported from (data/synthea-r4).</param>
/// <param name="OutputFolder">Where the generated files are written (and kept: a second run imports the same files).</param>
/// <param name="Patients">How many of the bundles (in name order) notes are taken from.</param>
public sealed record DemoDocumentsCommand(string SyntheaFolder, string OutputFolder, int Files = 10, int Patients = 6, int Seed = 15, string Source = "fax-server");

public sealed record DemoDocumentsSummary(int Generated, bool Reused, CaptureSummary Capture);

/// <summary>
/// The demo's living queue (issue 15 item 8): documents HimPortal makes itself from the sample patients' notes
/// (SyntheticCorpus: born-digital and scanned PDFs, fine and 204×98 fax TIFFs, cover-sheet batches naming the imported
/// patients by id and MRN), every page labelled SYNTHETIC and every file named synthetic-…, captured as if the fax server
/// had sent them. The same seed writes the same bytes, so a second run is recognised by the capture's SHA-256 and
/// queues nothing; files already in the folder are imported as they are. Reads the patients' MRNs for the cover sheets:
/// one audit row says so.
/// </summary>
[RequiresPermission(Permissions.IntakeImport)]
public sealed class DemoDocumentsHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, CaptureFilesHandler capture)
    : Handler<DemoDocumentsCommand, Result<DemoDocumentsSummary>>(permissions)
{
    protected override async Task<Result<DemoDocumentsSummary>> ExecuteAsync(DemoDocumentsCommand command, CancellationToken ct)
    {
        if (!Directory.Exists(command.SyntheaFolder))
        {
            return Error.Invalid($"{command.SyntheaFolder}: no such folder of Synthea bundles.", nameof(command.SyntheaFolder));
        }

        Directory.CreateDirectory(command.OutputFolder);
        var existing = Directory.GetFiles(command.OutputFolder, "synthetic-*").Order(StringComparer.Ordinal).ToList();
        var generated = 0;
        if (existing.Count == 0)
        {
            var notes = Directory.GetFiles(command.SyntheaFolder, "*.json*")
                .Where(f => !Path.GetFileName(f).Contains("Information", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).Take(command.Patients)
                .SelectMany(f => SyntheaNotes.ReadBundle(f).Take(2)).ToList();
            if (notes.Count == 0)
            {
                return Error.Invalid($"{command.SyntheaFolder}: no notes in the Synthea bundles.", nameof(command.SyntheaFolder));
            }

            var sheets = await CoverSheetsAsync(notes, ct);
            var files = SyntheticCorpus.Write(command.OutputFolder, notes, command.Files, command.Seed,
                note => sheets.GetValueOrDefault(note.SourcePatientId + "|" + note.LoincCode));
            generated = files.Count;
            existing = files.Select(f => f.Path).ToList();
        }

        var result = await capture.HandleAsync(new CaptureFilesCommand(existing.Select(p => new IncomingFile(p, Path.GetFileName(p))).ToList(), command.Source), ct);
        return result.Error is { } error
            ? error
            : Result<DemoDocumentsSummary>.Success(new DemoDocumentsSummary(generated, generated == 0, result.Value!));
    }

    /// <summary>A cover sheet for each imported patient's note type: the patient's latest encounter, the type by its LOINC code or Progress note.</summary>
    private async Task<Dictionary<string, CoverSheet>> CoverSheetsAsync(IReadOnlyList<SyntheaNote> notes, CancellationToken ct)
    {
        var fhirIds = notes.Select(n => n.SourcePatientId).Distinct().ToList();
        var patients = await db.Set<Patient>().AsNoTracking().Where(p => fhirIds.Contains(p.FhirId) && p.Mrn != null)
            .Select(p => new
            {
                p.Id,
                p.FhirId,
                p.Mrn,
                p.GivenNames,
                p.FamilyName,
                Encounter = db.Set<Encounter>().Where(e => e.PatientId == p.Id).OrderByDescending(e => e.PeriodStart)
                    .Select(e => new { e.Id, e.PeriodStart, e.Class }).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var types = await db.Set<DocumentType>().AsNoTracking().Where(t => t.Active && t.LoincCode != null).ToListAsync(ct);
        var progress = types.Single(t => t.Id == DocumentTypeSeed.ProgressNote);
        var sheets = new Dictionary<string, CoverSheet>(StringComparer.Ordinal);
        foreach (var note in notes)
        {
            var patient = patients.FirstOrDefault(p => p.FhirId == note.SourcePatientId);
            if (patient is null)
            {
                continue;
            }

            var type = types.FirstOrDefault(t => t.LoincCode == note.LoincCode) ?? progress;
            var encounter = patient.Encounter;
            var label = encounter is null ? null
                : $"{encounter.PeriodStart?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "undated"} {encounter.Class}";
            sheets[note.SourcePatientId + "|" + note.LoincCode] = new CoverSheet(
                new CoverSheetCode(patient.Id, patient.Mrn!, encounter?.Id, type.LoincCode!),
                $"{patient.GivenNames} {patient.FamilyName}".Trim(), label, type.Name);
        }

        await audit.RecordAloneAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "Patient", Purpose: ScannedDocumentAudit.OperationsPurpose,
            Details: string.Create(CultureInfo.InvariantCulture, $"demo documents: cover sheets for {patients.Count} synthetic patient(s)")), ct);
        return sheets;
    }
}
