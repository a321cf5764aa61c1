using System.Globalization;
using System.Text;
using HimPortal.Application.Clinical;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Inbox;

/// <summary>
/// The text a physician starts a missing document from: the stay's own data (diagnoses, procedures, medications ordered,
/// results with their flags), so that they review and complete rather than retype (the content 42 CFR 482.24(c)(4)
/// requires of the record). Plain text: it becomes the DocumentReference's text/plain content as written.
/// </summary>
public static class DraftTemplate
{
    /// <summary>The document types the inbox writes, by LOINC code, and how they are named.</summary>
    public static readonly IReadOnlyDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["18842-5"] = "Discharge summary",
        ["34117-2"] = "History and physical note",
        ["11504-8"] = "Surgical operation note",
    };

    public static string DisplayOf(string loinc, string? fallback) => Types.TryGetValue(loinc, out var name) ? name : fallback ?? loinc;

    public const int MaxResults = 20;

    public static async Task<string> ForStayAsync(HimDbContext db, Guid patientId, Guid encounterId, string typeDisplay, Func<DateTimeOffset, string> shown, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(shown);
        var stay = await db.Set<Encounter>().AsNoTracking().Where(e => e.Id == encounterId && e.PatientId == patientId)
            .Select(e => new { e.PeriodStart, e.PeriodEnd, e.TypeDisplay, e.ReasonDisplay, e.DischargeDisposition }).SingleAsync(ct);
        var diagnoses = await db.Set<Condition>().AsNoTracking().Where(c => c.EncounterId == encounterId).WhereInForce(db)
            .OrderBy(c => c.RecordedAt).Select(c => new { c.Display, c.Code }).ToListAsync(ct);
        var procedures = await db.Set<Procedure>().AsNoTracking().Where(p => p.EncounterId == encounterId).WhereInForce(db)
            .OrderBy(p => p.PerformedStart).Select(p => new { p.Display, p.Code, p.PerformedStart }).ToListAsync(ct);
        var medications = await db.Set<MedicationRequest>().AsNoTracking().Where(m => m.EncounterId == encounterId).WhereInForce(db)
            .OrderBy(m => m.AuthoredOn).Select(m => new { m.MedicationDisplay, m.MedicationCode, m.DosageText }).ToListAsync(ct);
        var results = await db.Set<Observation>().AsNoTracking().Where(o => o.EncounterId == encounterId).WhereInForce(db)
            .OrderByDescending(o => o.Flag != null).ThenByDescending(o => o.EffectiveAt).Take(MaxResults)
            .Select(o => new { o.Display, o.Code, o.ValueQuantity, o.ValueUnit, o.ValueString, o.ValueDisplay, o.Flag, o.EffectiveAt }).ToListAsync(ct);

        var text = new StringBuilder();
        text.AppendLine(typeDisplay.ToUpperInvariant());
        text.AppendLine(CultureInfo.InvariantCulture, $"Admitted: {(stay.PeriodStart is { } a ? shown(a) : "unknown")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Discharged: {(stay.PeriodEnd is { } d ? shown(d) : "not yet")}");
        if (stay.ReasonDisplay is { Length: > 0 } reason)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Reason for admission: {reason}");
        }

        text.AppendLine().AppendLine("Diagnoses:");
        List(text, diagnoses.Select(c => $"{c.Display ?? c.Code} ({c.Code})"));
        text.AppendLine().AppendLine("Procedures:");
        List(text, procedures.Select(p => $"{p.Display ?? p.Code}{(p.PerformedStart is { } at ? ", " + shown(at) : "")}"));
        text.AppendLine().AppendLine("Medications ordered:");
        List(text, medications.Select(m => $"{m.MedicationDisplay ?? m.MedicationCode}{(m.DosageText is { Length: > 0 } dose ? ", " + dose : "")}"));
        text.AppendLine().AppendLine("Results:");
        List(text, results.Select(o =>
        {
            var value = o.ValueQuantity is { } q ? $"{q.ToString(CultureInfo.InvariantCulture)} {o.ValueUnit}".TrimEnd() : o.ValueDisplay ?? o.ValueString ?? "";
            return $"{o.Display ?? o.Code}: {value}{(o.Flag is { Length: > 0 } flag ? $" [{flag}]" : "")}";
        }));
        if (stay.DischargeDisposition is { Length: > 0 } disposition)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Discharge disposition: {disposition}");
        }

        text.AppendLine().AppendLine("Hospital course:").AppendLine().AppendLine("Plan and follow-up:").AppendLine();
        return text.ToString();
    }

    private static void List(StringBuilder text, IEnumerable<string> lines)
    {
        var any = false;
        foreach (var line in lines)
        {
            text.Append("- ").AppendLine(line);
            any = true;
        }

        if (!any)
        {
            text.AppendLine("- none recorded");
        }
    }
}
