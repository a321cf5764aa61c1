using HimPortal.Application.Audit;

namespace HimPortal.Application.Access;

/// <summary>
/// The portal's way through the chart gate for a handler that is not a chart read (a copy request, the accounting, who
/// looked): open the person's record with the patient-self purpose (the account's own record, or a personal
/// representative's grant in force, 45 CFR 164.502(g)), and when that is refused answer "not found" after auditing the
/// attempt, so another person's ids reach nothing and show nothing (45 CFR 164.524 gives the right of access to the
/// individual and their representative only).
/// </summary>
public static class PortalDoor
{
    /// <summary>The entry when the account may act on this person's record; null (audited as a refused attempt) otherwise.</summary>
    public static async Task<ChartEntry?> OpenAsync(ChartGate gate, AccessAudit audit, Guid patientId, string action, string resourceType, string? resourceId,
        string what, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(audit);
        var entry = await gate.OpenAsync(patientId, AccessIntent.PatientSelf, ct);
        if (entry is { Access.IsGranted: true })
        {
            return entry;
        }

        // The patient id asked for is named only when such a record exists; an unknown id is recorded without one.
        await audit.RecordAsync(new AuditRecord(action, AuditOutcome.Denied, resourceType, resourceId, entry?.Patient.Id,
            Purpose: entry?.Access.Reason ?? "no such patient", Details: $"portal.{what}; outcome=refused"), ct);
        return null;
    }

    /// <summary>Who acts in the audit's words: the patient, or their personal representative with the grant.</summary>
    public static string Reader(ChartEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Proxy is { } proxy ? $"personal representative ({proxy.Relationship}); grant={proxy.GrantId:D}" : "the patient";
    }
}
