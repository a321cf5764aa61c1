using System.Globalization;
using HimPortal.Application.Access;
using HimPortal.Application.Clinical.Values;
using Microsoft.AspNetCore.Html;

namespace HimPortal.Web.Pages.Charts;

/// <summary>How the chart writes dates, sexes and flags; dates are UTC, as the record stores them.</summary>
public static class ChartFormat
{
    public static string Day(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    public static string Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    public static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "";

    public static string Sex(string? sex) => sex switch
    {
        "male" => "male",
        "female" => "female",
        null or "" => "sex unknown",
        _ => sex,
    };

    /// <summary>A result's flag as a tag ("H", "L", "HH", "LL"); nothing for a normal or unflagged result.</summary>
    public static IHtmlContent Flag(string? flag) => flag switch
    {
        "high" => new HtmlString("<span class=\"flag high\" data-testid=\"flag\" title=\"high\">H</span>"),
        "low" => new HtmlString("<span class=\"flag low\" data-testid=\"flag\" title=\"low\">L</span>"),
        "critical-high" => new HtmlString("<span class=\"flag high critical\" data-testid=\"flag\" title=\"critical high\">HH</span>"),
        "critical-low" => new HtmlString("<span class=\"flag low critical\" data-testid=\"flag\" title=\"critical low\">LL</span>"),
        _ => HtmlString.Empty,
    };

    /// <summary>A note's text as formatted, sanitised HTML (<see cref="NoteHtml"/>): safe to write into the page as it is.</summary>
    public static IHtmlContent NoteText(string? text) => new HtmlString(NoteHtml.Render(text));

    /// <summary>
    /// The small badge naming the record an item is in (its MRN) when the patient's person holds more than one record
    /// (ADR 0015), after a space of its own; nothing at all for a record linked to none, whose page reads exactly as it did.
    /// </summary>
    public static IHtmlContent Record(HimPortal.Application.Patients.PatientHeader patient, Guid recordId)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return patient.IsLinked
            ? new HtmlString($" <span class=\"tag record\" data-testid=\"record-badge\" title=\"record\">{System.Net.WebUtility.HtmlEncode(patient.MrnOf(recordId) ?? "?")}</span>")
            : HtmlString.Empty;
    }

    /// <summary>
    /// The marks of an item other than a note the patient asked to amend (45 CFR 164.526(c)(1), (d)(4)-(5)): "Amended
    /// AMD-000123, see note of …" (a link to the appended note when the reader reads notes), or "Disputed: …".
    /// </summary>
    public static IHtmlContent Amendments(IReadOnlyList<HimPortal.Application.Charts.GetChart.AmendmentMark> marks, Guid patientId, bool readsNotes)
    {
        ArgumentNullException.ThrowIfNull(marks);
        if (marks.Count == 0)
        {
            return HtmlString.Empty;
        }

        var html = new System.Text.StringBuilder();
        foreach (var m in marks)
        {
            if (m.Accepted)
            {
                var note = $"note of {Day(m.DecidedAt)}";
                var see = readsNotes && m.AmendmentDocumentId is { } doc
                    ? $"<a href=\"/Charts/Note/{patientId:D}/{doc:D}\" data-testid=\"amended-item-note\">{note}</a>"
                    : note;
                html.Append(CultureInfo.InvariantCulture, $" <strong class=\"tag\" data-testid=\"amended-item-mark\">Amended {m.Display}, see {see}</strong>");
            }
            else
            {
                var what = m.Statement ? "statement of disagreement on file" : "the patient's request and the denial go with every disclosure";
                html.Append(CultureInfo.InvariantCulture, $" <strong class=\"tag\" data-testid=\"disputed-item-mark\">Disputed ({m.Display}): {what}</strong>");
            }
        }

        return new HtmlString(html.ToString());
    }

    public static string Heading(string title, int count) => $"{title} ({count.ToString(CultureInfo.InvariantCulture)})";

    public static string SectionId(ChartSection section) => ChartSections.AuditName(section);
}
