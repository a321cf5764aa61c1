using HimPortal.Application.Audit;
using HimPortal.Application.Common;

namespace HimPortal.Application.Completion.Him;

/// <summary>
/// The audit convention of the HIM analyst's chart-completion handlers (issue 18, ADR 0035): the stay (its encounter) as the
/// resource, its patient, the action named "completion.&lt;what&gt;" at the head of the details, never a patient value.
/// </summary>
public static class HimAudit
{
    public const string ResourceType = "Encounter";

    /// <summary>HL7 PurposeOfUse: the record's completion is healthcare operations (45 CFR 164.501).</summary>
    public const string Purpose = "HOPERAT";

    public static AuditRecord Of(string action, Guid encounterId, Guid patientId, string what, string details) =>
        new(action, AuditOutcome.Success, ResourceType, encounterId.ToString("D"), patientId, Purpose, $"completion.{what}; {details}");

    /// <summary>The answer when the deficiency or stay changed since the analyst read it (optimistic concurrency).</summary>
    public static readonly Error Stale = new(ErrorKind.Conflict, "completion-changed",
        "The stay or deficiency was changed since you opened it (by the analysis, a physician or another analyst). Open it again.");

    /// <summary>A practitioner as the HIM pages name them: "Given Family (NPI n)".</summary>
    public static string Name(string? given, string? family, string? npi)
    {
        var name = $"{given} {family}".Trim();
        return (name.Length == 0 ? "(no name)" : name) + (string.IsNullOrEmpty(npi) ? "" : $" (NPI {npi})");
    }
}
