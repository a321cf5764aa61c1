using System.Globalization;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets;

/// <summary>An item as it goes into a packet: text lines (clinical items), or page images (a scanned document).</summary>
/// <param name="Hidden">Entries of an encounter left out as sensitive and not covered (counted on the page, never named).</param>
public sealed record ItemContent(IReadOnlyList<string> Lines, IReadOnlyList<ScannedPageRef> Images, int Hidden = 0);

/// <summary>One page image of a scanned document in the document store, with its size in pixels.</summary>
public sealed record ScannedPageRef(Guid ImageObjectId, int Width, int Height);

/// <summary>
/// Reads an item's content for a packet: an encounter's summary with what was recorded in it, a note's text, a report's
/// results as a table, a scanned document's page images (references only: images are read one at a time as the packet
/// is written, so memory stays flat). Plain and readable, not a rendering of the chart.
/// </summary>
public sealed class PacketContent(HimDbContext db, HospitalTime hospital)
{
    /// <param name="withheld">Whether a labelled entry inside an encounter is left out (its type and id).</param>
    public async Task<ItemContent> ReadAsync(string type, Guid id, Func<string, Guid, bool> withheld, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(withheld);
        return type switch
        {
            PacketItemTypes.Encounter => await EncounterAsync(id, withheld, ct),
            PacketItemTypes.Note => await NoteAsync(id, ct),
            PacketItemTypes.Report => await ReportAsync(id, ct),
            PacketItemTypes.Scanned => await ScannedAsync(id, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown packet item type."),
        };
    }

    private string When(DateTimeOffset? at) => at is { } a ? hospital.Format(a) : "-";

    private async Task<ItemContent> EncounterAsync(Guid id, Func<string, Guid, bool> withheld, CancellationToken ct)
    {
        var e = await db.Set<Encounter>().AsNoTracking().SingleAsync(x => x.Id == id, ct);
        var lines = new List<string>
        {
            $"Encounter: {e.TypeDisplay ?? e.TypeCode ?? e.Class}",
            $"Class: {e.Class}    Status: {e.Status}",
            $"From: {When(e.PeriodStart)}    To: {When(e.PeriodEnd)}",
        };
        if (e.ReasonDisplay is not null || e.ReasonCode is not null)
        {
            lines.Add($"Reason: {e.ReasonDisplay ?? e.ReasonCode}");
        }

        if (e.DischargeDisposition is not null)
        {
            lines.Add($"Discharge disposition: {e.DischargeDisposition}");
        }

        var hidden = 0;
        void Section(string heading, IEnumerable<(string Type, Guid Id, string Line)> entries)
        {
            var shown = new List<string>();
            foreach (var (entryType, entryId, line) in entries)
            {
                if (withheld(entryType, entryId))
                {
                    hidden++;
                }
                else
                {
                    shown.Add("  - " + line);
                }
            }

            if (shown.Count > 0)
            {
                lines.Add("");
                lines.Add(heading);
                lines.AddRange(shown);
            }
        }

        var conditions = await db.Set<Condition>().AsNoTracking().Where(c => c.EncounterId == id).WhereInForce(db).OrderBy(c => c.OnsetAt)
            .Select(c => new { c.Id, c.Display, c.Code, c.ClinicalStatus, c.OnsetAt }).ToListAsync(ct);
        Section("Conditions", conditions.Select(c => ("Condition", c.Id, $"{c.Display ?? c.Code} ({c.ClinicalStatus ?? "-"}), onset {When(c.OnsetAt)}")));
        var procedures = await db.Set<Procedure>().AsNoTracking().Where(p => p.EncounterId == id).WhereInForce(db).OrderBy(p => p.PerformedStart)
            .Select(p => new { p.Id, p.Display, p.Code, p.PerformedStart }).ToListAsync(ct);
        Section("Procedures", procedures.Select(p => ("Procedure", p.Id, $"{p.Display ?? p.Code}, {When(p.PerformedStart)}")));
        var medications = await db.Set<MedicationRequest>().AsNoTracking().Where(m => m.EncounterId == id).WhereInForce(db).OrderBy(m => m.AuthoredOn)
            .Select(m => new { m.Id, m.MedicationDisplay, m.MedicationCode, m.Status, m.DosageText }).ToListAsync(ct);
        Section("Medications ordered", medications.Select(m => ("MedicationRequest", m.Id,
            $"{m.MedicationDisplay ?? m.MedicationCode} ({m.Status}){(m.DosageText is null ? "" : ": " + m.DosageText)}")));
        var immunizations = await db.Set<Immunization>().AsNoTracking().Where(i => i.EncounterId == id).WhereInForce(db)
            .Select(i => new { i.Id, i.Display, i.VaccineCode, i.OccurredAt }).ToListAsync(ct);
        Section("Immunizations", immunizations.Select(i => ("Immunization", i.Id, $"{i.Display ?? i.VaccineCode}, {When(i.OccurredAt)}")));
        var observations = await db.Set<Observation>().AsNoTracking().Where(o => o.EncounterId == id).WhereInForce(db).OrderBy(o => o.EffectiveAt)
            .Select(o => new { o.Id, o.Display, o.Code, o.ValueQuantity, o.ValueUnit, o.ValueDisplay, o.ValueString }).ToListAsync(ct);
        Section("Observations", observations.Select(o => ("Observation", o.Id, $"{o.Display ?? o.Code}: {Value(o.ValueQuantity, o.ValueUnit, o.ValueDisplay, o.ValueString)}")));
        if (hidden > 0)
        {
            lines.Add("");
            lines.Add($"[{hidden} entr{(hidden == 1 ? "y" : "ies")} of a sensitive category left out: not covered by this release]");
        }

        return new ItemContent(lines, [], hidden);
    }

    private async Task<ItemContent> NoteAsync(Guid id, CancellationToken ct)
    {
        var n = await db.Set<ClinicalNote>().AsNoTracking().SingleAsync(x => x.Id == id, ct);
        var lines = new List<string>
        {
            $"Note: {n.TypeDisplay ?? n.TypeCode ?? "clinical note"}",
            $"Date: {When(n.Date)}    Status: {n.Status}",
            "",
        };
        lines.AddRange((n.Text ?? "(no text)").Replace("\r", "", StringComparison.Ordinal).Split('\n'));
        return new ItemContent(lines, []);
    }

    private async Task<ItemContent> ReportAsync(Guid id, CancellationToken ct)
    {
        var r = await db.Set<DiagnosticReport>().AsNoTracking().SingleAsync(x => x.Id == id, ct);
        var lines = new List<string>
        {
            $"Report: {r.Display ?? r.Code}",
            $"Effective: {When(r.EffectiveAt)}    Issued: {When(r.IssuedAt)}    Status: {r.Status}",
            "",
            $"{"Test",-44} {"Result",-24} {"Range",-12} Flag",
        };
        var results = await (from part in db.Set<DiagnosticReportResult>().AsNoTracking()
                             where part.ParentId == id
                             join o in db.Set<Observation>() on part.ObservationId equals o.Id
                             orderby part.Ordinal
                             select new { o.Display, o.Code, o.ValueQuantity, o.ValueUnit, o.ValueDisplay, o.ValueString, o.ReferenceLow, o.ReferenceHigh, o.Flag })
            .ToListAsync(ct);
        foreach (var o in results)
        {
            var range = o.ReferenceLow is null && o.ReferenceHigh is null ? "" : $"{Number(o.ReferenceLow)}-{Number(o.ReferenceHigh)}";
            lines.Add($"{Cut(o.Display ?? o.Code, 44),-44} {Cut(Value(o.ValueQuantity, o.ValueUnit, o.ValueDisplay, o.ValueString), 24),-24} {range,-12} {o.Flag}");
        }

        if (!string.IsNullOrWhiteSpace(r.Text))
        {
            lines.Add("");
            lines.AddRange(r.Text.Replace("\r", "", StringComparison.Ordinal).Split('\n'));
        }

        return new ItemContent(lines, []);
    }

    private async Task<ItemContent> ScannedAsync(Guid id, CancellationToken ct)
    {
        var pages = await (from sp in db.Set<ScannedDocumentPage>().AsNoTracking()
                           where sp.DocumentId == id
                           join p in db.Set<DocumentPage>() on sp.PageId equals p.Id
                           where p.ImageObjectId != null
                           orderby sp.Ordinal
                           select new ScannedPageRef(p.ImageObjectId!.Value, p.WidthPixels ?? 1700, p.HeightPixels ?? 2200)).ToListAsync(ct);
        return new ItemContent([], pages);
    }

    private static string Value(decimal? quantity, string? unit, string? display, string? text) =>
        quantity is { } q ? $"{Number(q)} {unit}".TrimEnd() : display ?? text ?? "-";

    private static string Number(decimal? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "";

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];
}
