using System.Collections.Frozen;

namespace HimPortal.Application.Access;

/// <summary>Why a chart was opened: the basis of the access, recorded in the audit as an HL7 purpose of use.</summary>
public enum ChartAccessBasis
{
    /// <summary>The physician appears in one of the patient's encounters or care teams.</summary>
    TreatmentRelationship,

    /// <summary>HIM staff recorded that the physician treats the patient.</summary>
    Assignment,

    /// <summary>An emergency access the physician attested to; it waits for compliance review.</summary>
    BreakGlass,

    /// <summary>HIM department work (intake, release of information, compliance): the limited sections of the role.</summary>
    Operations,

    /// <summary>Building a release of information (45 CFR 164.508, 164.512, 164.524(c)(3)): the record as the request allows.</summary>
    Disclosure,

    /// <summary>The patient reading their own record (the right of access, 45 CFR 164.524).</summary>
    PatientSelf,
}

/// <summary>
/// What a reader means to do with a chart. <see cref="Care"/> is treatment or department operations, as the reader's
/// role decides (the physician's and the HIM staff's charts); release of information opens a record for a disclosure,
/// and the portal for the patient themselves. Each is decided by its own rule and audited with its purpose of use.
/// </summary>
public enum AccessPurpose
{
    Care,
    Disclosure,
    PatientSelf,
}

/// <param name="PurposeOfUse">
/// The HL7 v3 PurposeOfUse code to audit a disclosure under (the release request's: PATRQT, HLEGAL, COVERAGE, PUBHLTH,
/// …); ignored for the other purposes, whose code follows from the decision.
/// </param>
public sealed record AccessIntent(AccessPurpose Purpose, string? PurposeOfUse = null)
{
    public static readonly AccessIntent Care = new(AccessPurpose.Care);

    public static readonly AccessIntent PatientSelf = new(AccessPurpose.PatientSelf);
}

public enum ChartAccessOutcome
{
    Granted,

    /// <summary>The physician may get in only by breaking the glass (no relationship, or a restricted record).</summary>
    BreakGlassRequired,

    Denied,
}

/// <summary>What the rules look at, read in one query by <see cref="ChartGate"/>.</summary>
/// <param name="IsOwnRecord">The record is the reader's own (their account names the patient's MRN); read for the portal only.</param>
/// <param name="Relationship">
/// What gives the treatment relationship, as the audit names it ("encounter=…", "care-team=…"): the view's audit row says
/// which encounter or care team let the reader in, so a review can trace it to the bundle that brought it.
/// </param>
/// <param name="Assignment">The assignment that gives the relationship, as the audit names it ("assignment=…").</param>
public sealed record ChartAccessFacts(
    bool IsRestricted,
    bool TreatsInRecord,
    bool IsAssigned,
    Guid? BreakGlassId,
    DateTimeOffset? BreakGlassUntil,
    bool IsOwnRecord = false,
    string? Relationship = null,
    string? Assignment = null);

public sealed record ChartAccessDecision(
    ChartAccessOutcome Outcome,
    ChartAccessBasis? Basis,
    FrozenSet<ChartSection> Sections,
    string Reason,
    Guid? BreakGlassId = null,
    DateTimeOffset? BreakGlassUntil = null,
    string? DisclosurePurpose = null,
    string? Via = null)
{
    public bool IsGranted => Outcome == ChartAccessOutcome.Granted;

    public bool Shows(ChartSection section) => IsGranted && Sections.Contains(section);

    /// <summary>
    /// The HL7 v3 PurposeOfUse code of the access: TREAT, ETREAT (emergency), HOPERAT (operations), PATRQT (the patient's
    /// own request), or the disclosure's own.
    /// </summary>
    public string PurposeOfUse => Basis switch
    {
        ChartAccessBasis.BreakGlass => "ETREAT",
        ChartAccessBasis.Operations => "HOPERAT",
        ChartAccessBasis.PatientSelf => "PATRQT",
        ChartAccessBasis.Disclosure => DisclosurePurpose ?? "HOPERAT",
        _ => "TREAT",
    };
}

/// <summary>
/// Who may open which chart: the one place these rules live (resource-based authorization; the resource is the
/// patient's chart). Roles decide the sections (<see cref="ChartSections"/>); for the clinical content a physician also
/// needs a reason to see this patient.
/// <list type="bullet">
/// <item>Clinical readers (Charts.Read) need a treatment relationship: a participant in one of the patient's encounters,
/// a member of one of their care teams, or an assignment recorded by HIM staff. Without one they may break the glass.</item>
/// <item>A restricted patient (VIP, employee) needs break-the-glass even with a relationship (the HIPAA minimum-necessary
/// standard, 45 CFR 164.514(d), applied where snooping is most likely).</item>
/// <item>An account that also holds Administrator reads no chart, whatever its other roles
/// (<see cref="RolePermissions.NeverWithAdministrator"/>): it has no sections, so it is refused, and cannot break the glass.</item>
/// <item>HIM roles without clinical access see their role's sections for department work, with no relationship;
/// every such view is audited like any other and reviewed by privacy monitoring.</item>
/// <item>A disclosure (Roi.Process) opens the whole designated record set (45 CFR 164.501); what leaves is the release's
/// decision (its authorization, the minimum necessary, sensitivity labels), not the gate's.</item>
/// <item>A patient (Portal.Self) opens only their own record, all of it (the right of access, 164.524); a restricted
/// (VIP, employee) record restricts staff, never its own patient.</item>
/// </list>
/// </summary>
public static class ChartAccessRules
{
    public static ChartAccessDecision Decide(IReadOnlyCollection<string> roles, ChartAccessFacts facts, AccessIntent? intent = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        switch ((intent ?? AccessIntent.Care).Purpose)
        {
            case AccessPurpose.Disclosure:
                return RolePermissions.Grants(roles, Permissions.RoiProcess)
                    ? new(ChartAccessOutcome.Granted, ChartAccessBasis.Disclosure, ChartSections.All, "release of information",
                        DisclosurePurpose: intent!.PurposeOfUse)
                    : new(ChartAccessOutcome.Denied, null, FrozenSet<ChartSection>.Empty, "role may not disclose records");
            case AccessPurpose.PatientSelf:
                return RolePermissions.Grants(roles, Permissions.PortalSelf) && facts.IsOwnRecord
                    ? new(ChartAccessOutcome.Granted, ChartAccessBasis.PatientSelf, ChartSections.All, "the patient's own record")
                    : new(ChartAccessOutcome.Denied, null, FrozenSet<ChartSection>.Empty, "not the reader's own record");
        }

        var sections = ChartSections.For(roles);
        if (sections.Count == 0)
        {
            return new(ChartAccessOutcome.Denied, null, sections, "role may not open charts");
        }

        if (!RolePermissions.Grants(roles, Permissions.ChartsRead))
        {
            return new(ChartAccessOutcome.Granted, ChartAccessBasis.Operations, sections, "department operations");
        }

        if (facts.BreakGlassId is { } grant)
        {
            return new(ChartAccessOutcome.Granted, ChartAccessBasis.BreakGlass, sections, "break-the-glass", grant, facts.BreakGlassUntil);
        }

        var mayBreakGlass = RolePermissions.Grants(roles, Permissions.ChartsBreakGlass);
        var withoutGlass = mayBreakGlass ? ChartAccessOutcome.BreakGlassRequired : ChartAccessOutcome.Denied;
        if (facts.IsRestricted)
        {
            return new(withoutGlass, null, FrozenSet<ChartSection>.Empty, "restricted record");
        }

        if (facts.TreatsInRecord)
        {
            return new(ChartAccessOutcome.Granted, ChartAccessBasis.TreatmentRelationship, sections, "treatment relationship", Via: facts.Relationship);
        }

        return facts.IsAssigned
            ? new(ChartAccessOutcome.Granted, ChartAccessBasis.Assignment, sections, "treatment assignment", Via: facts.Assignment)
            : new(withoutGlass, null, FrozenSet<ChartSection>.Empty, "no treatment relationship");
    }
}
