using System.Globalization;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.AccessLog;
using HimPortal.Application.Compliance.Reviews;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>How the compliance pages show times, dispositions and events.</summary>
public static class ComplianceFormat
{
    public static string Time(HospitalTime hospital, DateTimeOffset? instant) => instant is { } at ? hospital.Format(at) : "—";

    public static string Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    public static string Disposition(string? disposition) => ReviewRules.Label(disposition);

    public static string DispositionClass(string? disposition) => disposition switch
    {
        "appropriate" => "tag ok",
        "inappropriate" => "tag failed",
        "follow-up" => "tag restricted",
        _ => "tag",
    };

    /// <summary>An evidence fact's name as a reviewer reads it: "breakGlassId" → "Break glass id".</summary>
    public static string FactName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var words = new System.Text.StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ');
            }

            words.Append(words.Length == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
        }

        return words.ToString();
    }

    /// <summary>An event's details in words ("Chart: demographics, encounters; on a treatment relationship"); the exact text stays in the log and the CSV.</summary>
    public static string? Details(HospitalTime hospital, AccessLogRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return AccessDetails.Describe(row.Action, row.ResourceType, row.Details, hospital);
    }

    /// <summary>
    /// An alert's evidence fact as a reviewer reads it: an instant (the rules store them as JSON timestamps) in hospital time
    /// to the second, anything else as stored.
    /// </summary>
    public static string FactValue(HospitalTime hospital, string value)
    {
        ArgumentNullException.ThrowIfNull(hospital);
        return value is { Length: >= 20 } && value[4] == '-' && value[10] == 'T'
               && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? hospital.FormatSeconds(at)
            : value;
    }

    /// <summary>"view Chart (success)", as a reviewer reads an event.</summary>
    public static string What(AccessLogRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return $"{row.Action} {row.ResourceType}".Trim();
    }
}
