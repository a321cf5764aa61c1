using System.Globalization;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;

namespace HimPortal.Application.Compliance.AccessLog;

/// <summary>
/// An audit row's details (<c>sections=…; basis=…</c>, written for machines by the chart gate and the access handlers) in
/// the words a reviewer reads: "Chart: demographics, encounters, lab results; on a treatment relationship". The log and
/// its CSV export keep the exact text; this is only how the pages show it. What it does not know it shows as written.
/// </summary>
public static class AccessDetails
{
    public static string? Describe(string action, string? resourceType, string? details, HospitalTime hospital)
    {
        ArgumentNullException.ThrowIfNull(hospital);
        if (string.IsNullOrWhiteSpace(details))
        {
            return details;
        }

        var parts = details.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var words = new List<string>();
        foreach (var part in parts)
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || part[..equals].Contains(' ', StringComparison.Ordinal))
            {
                words.Add(part);
                continue;
            }

            values[part[..equals]] = part[(equals + 1)..];
        }

        var said = new List<string>();
        if (values.Remove("sections", out var sections))
        {
            var list = string.Join(", ", sections.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Word));
            said.Add($"{Resource(resourceType)}: {(list.Length == 0 ? "nothing" : list)}");
        }

        if (values.Remove("basis", out var basis) && Basis(basis) is { } how)
        {
            said.Add(how);
        }

        // The grant a view was made under: the basis already says "under break-the-glass", the grant is linked from its own row.
        values.Remove("break-glass");
        if (values.Remove("outcome", out var refusal))
        {
            var offered = words.Remove("break-the-glass offered");
            said.Add(refusal switch
            {
                "break-glass-required" => "refused: break-the-glass required" + (offered ? " (offered)" : ""),
                "denied" => "refused: not allowed for this role",
                _ => "refused: " + Word(refusal),
            });
        }

        if (action == AuditAction.BreakGlass && words.Remove("attested"))
        {
            said.Add("attested");
        }

        if (values.Remove("until", out var until))
        {
            said.Add("until " + (DateTimeOffset.TryParse(until, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && until.Contains('T', StringComparison.Ordinal)
                ? hospital.FormatSeconds(at)
                : until == "until-revoked" ? "revoked" : until));
        }

        if (values.Remove("was", out var was))
        {
            said.Add("needed because: " + was);
        }

        if (values.Remove("vip", out var vip))
        {
            said.Add("VIP: " + YesNo(vip));
        }

        if (values.Remove("employee", out var employee))
        {
            values.Remove("department", out var department);
            said.Add("employee: " + YesNo(employee) + (string.IsNullOrWhiteSpace(department) ? "" : $" ({department})"));
        }

        said.AddRange(words);
        said.AddRange(values.Select(v => $"{Word(v.Key)}: {v.Value}"));
        return Capital(string.Join("; ", said));
    }

    /// <summary>What the chart gate's basis means ("treatment-relationship" → "on a treatment relationship").</summary>
    public static string? Basis(string basis) => basis switch
    {
        "treatment-relationship" => "on a treatment relationship",
        "assignment" => "on an assignment recorded by HIM",
        "break-glass" => "under break-the-glass",
        "operations" => "for HIM department work",
        "disclosure" => "for a release of information",
        "patient-self" => "the patient's own record",
        "none" or "" => null,
        _ => "basis: " + Word(basis),
    };

    private static string Resource(string? resourceType) => resourceType switch
    {
        "DocumentReference" => "Note",
        "ChartAccess" => "Chart access",
        null or "" => "Record",
        _ => resourceType,
    };

    private static string YesNo(string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" => "yes",
        "false" => "no",
        var other => other,
    };

    /// <summary>"lab-results" → "lab results".</summary>
    private static string Word(string name) => name.Replace('-', ' ');

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
