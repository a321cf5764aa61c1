using HimPortal.Application.Clinical.Results;
using HimPortal.Application.Clinical.Values;

namespace HimPortal.Application.Portal.Record;

/// <summary>
/// The record's codes and statuses in the words a patient uses (issue 19 item 3: plain language, no code without its
/// words). A status this list does not know is shown as it is written, never dropped.
/// </summary>
public static class PlainWords
{
    public static string? ProblemState(string? status, string? abatedAt) => status switch
    {
        "active" or "recurrence" or "relapse" => "Current",
        "resolved" or "remission" or "inactive" => "Resolved",
        null => abatedAt is null ? null : "Resolved",
        _ => Capital(status),
    };

    public static string? MedicationState(string? status, string? dosage) => status switch
    {
        "active" => "Taking now",
        "on-hold" => "Paused",
        "stopped" or "cancelled" => "Stopped",
        "completed" => "Finished",
        "entered-in-error" => "Recorded by mistake",
        _ => Capital(status),
    };

    public static string? AllergyState(string? status, string? criticality) =>
        (status switch { null or "active" => "Current", "resolved" => "Resolved", "inactive" => "No longer a problem", _ => Capital(status) })
        + (criticality == "high" ? " · can cause a serious reaction" : "");

    public static string? ImmunizationState(string? status, string? unused) => status switch
    {
        "completed" => "Given",
        "not-done" => "Not given",
        _ => Capital(status),
    };

    public static string? VisitState(string? status, string? unused) => status switch
    {
        "finished" => "Finished",
        "in-progress" => "Ongoing",
        "planned" => "Planned",
        "cancelled" => "Cancelled",
        _ => Capital(status),
    };

    public static string? DocumentState(string? status, string? unused) => status switch
    {
        "current" => null,
        "superseded" => "Replaced by a newer version",
        _ => Capital(status),
    };

    /// <summary>A visit's class in words (HL7 v3 ActCode: AMB, EMER, IMP, …).</summary>
    public static string VisitKind(string? code) => code switch
    {
        "AMB" => "Outpatient visit",
        "EMER" => "Emergency visit",
        "IMP" or "ACUTE" or "NONAC" => "Hospital stay",
        "OBSENC" => "Stay for observation",
        "HH" => "Home visit",
        "VR" => "Video or phone visit",
        "SS" => "Day surgery",
        "wellness" => "Check-up",
        "ambulatory" => "Outpatient visit",
        "emergency" => "Emergency visit",
        "inpatient" => "Hospital stay",
        "outpatient" => "Outpatient visit",
        "urgentcare" => "Urgent care visit",
        _ => "Visit",
    };

    /// <summary>
    /// A result's flag explained, with the usual range: "Higher than the usual range (3.5–5.1 mmol/L)". Null for a result
    /// with no range to compare it with.
    /// </summary>
    public static string? Flag(ObservationItem result, string? unit)
    {
        ArgumentNullException.ThrowIfNull(result);
        var range = result.ReferenceRange is { } r ? $" ({r}{(string.IsNullOrEmpty(unit) ? "" : " " + unit)})" : "";
        return result.Flag switch
        {
            ResultFlags.Normal => "Within the usual range" + range,
            ResultFlags.High => "Higher than the usual range" + range,
            ResultFlags.Low => "Lower than the usual range" + range,
            ResultFlags.CriticalHigh => "Much higher than the usual range" + range + ". If you have not heard from your care team about it, call them",
            ResultFlags.CriticalLow => "Much lower than the usual range" + range + ". If you have not heard from your care team about it, call them",
            null => null,
            _ => Capital(result.Flag) + range,
        };
    }

    /// <summary>Whether a flag is outside the usual range (drawn as a warning).</summary>
    public static bool IsOutside(string? flag) => flag is ResultFlags.High or ResultFlags.Low or ResultFlags.CriticalHigh or ResultFlags.CriticalLow;

    private static string? Capital(string? text) =>
        string.IsNullOrEmpty(text) ? text : char.ToUpperInvariant(text[0]) + text[1..].Replace('-', ' ');
}
