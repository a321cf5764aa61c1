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
}

public enum ChartAccessOutcome
{
    Granted,

    /// <summary>The physician may get in only by breaking the glass (no relationship, or a restricted record).</summary>
    BreakGlassRequired,

    Denied,
}

/// <summary>What the rules look at, read in one query by <see cref="ChartGate"/>.</summary>
public sealed record ChartAccessFacts(
    bool IsRestricted,
    bool TreatsInRecord,
    bool IsAssigned,
    Guid? BreakGlassId,
    DateTimeOffset? BreakGlassUntil);

public sealed record ChartAccessDecision(
    ChartAccessOutcome Outcome,
    ChartAccessBasis? Basis,
    FrozenSet<ChartSection> Sections,
    string Reason,
    Guid? BreakGlassId = null,
    DateTimeOffset? BreakGlassUntil = null)
{
    public bool IsGranted => Outcome == ChartAccessOutcome.Granted;

    public bool Shows(ChartSection section) => IsGranted && Sections.Contains(section);

    /// <summary>The HL7 v3 PurposeOfUse code of the access: TREAT, ETREAT (emergency) or HOPERAT (operations).</summary>
    public string PurposeOfUse => Basis switch
    {
        ChartAccessBasis.BreakGlass => "ETREAT",
        ChartAccessBasis.Operations => "HOPERAT",
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
/// <item>HIM roles without clinical access see their role's sections for department work, with no relationship;
/// every such view is audited like any other and reviewed by privacy monitoring.</item>
/// </list>
/// </summary>
public static class ChartAccessRules
{
    public static ChartAccessDecision Decide(IReadOnlyCollection<string> roles, ChartAccessFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
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
            return new(ChartAccessOutcome.Granted, ChartAccessBasis.TreatmentRelationship, sections, "treatment relationship");
        }

        return facts.IsAssigned
            ? new(ChartAccessOutcome.Granted, ChartAccessBasis.Assignment, sections, "treatment assignment")
            : new(withoutGlass, null, FrozenSet<ChartSection>.Empty, "no treatment relationship");
    }
}
