using System.Collections.Frozen;

namespace HimPortal.Application.Access;

/// <summary>The parts of a chart. Each needs one permission; which roles hold it is <see cref="RolePermissions"/>.</summary>
public enum ChartSection
{
    Demographics,
    Encounters,
    Documents,
    Allergies,
    Problems,
    Medications,
    Immunizations,
    Procedures,
    LabResults,
    VitalSigns,
    OtherObservations,
    Imaging,

    /// <summary>Reading a note's text (the document list alone is <see cref="Documents"/>).</summary>
    NoteText,
}

/// <summary>
/// The role × chart-section matrix, derived from the permissions so that it cannot drift from them. The README writes
/// it out as a table, and a test keeps the two equal.
/// </summary>
public static class ChartSections
{
    public static readonly FrozenDictionary<ChartSection, string> RequiredPermission = new Dictionary<ChartSection, string>
    {
        [ChartSection.Demographics] = Permissions.ChartsDemographics,
        [ChartSection.Encounters] = Permissions.ChartsEncounters,
        [ChartSection.Documents] = Permissions.ChartsDocuments,
        [ChartSection.Allergies] = Permissions.ChartsRead,
        [ChartSection.Problems] = Permissions.ChartsRead,
        [ChartSection.Medications] = Permissions.ChartsRead,
        [ChartSection.Immunizations] = Permissions.ChartsRead,
        [ChartSection.Procedures] = Permissions.ChartsRead,
        [ChartSection.LabResults] = Permissions.ChartsRead,
        [ChartSection.VitalSigns] = Permissions.ChartsRead,
        [ChartSection.OtherObservations] = Permissions.ChartsRead,
        [ChartSection.Imaging] = Permissions.ChartsRead,
        [ChartSection.NoteText] = Permissions.ChartsRead,
    }.ToFrozenDictionary();

    /// <summary>Every section: what a disclosure or the patient's own access may open.</summary>
    public static readonly FrozenSet<ChartSection> All = Enum.GetValues<ChartSection>().ToFrozenSet();

    /// <summary>The sections the holder of these roles may see of any chart they may open.</summary>
    public static FrozenSet<ChartSection> For(IEnumerable<string> roles)
    {
        var held = roles.ToList();
        return RequiredPermission.Where(p => RolePermissions.Grants(held, p.Value)).Select(p => p.Key).ToFrozenSet();
    }

    /// <summary>The section's name in the access audit ("lab-results").</summary>
    public static string AuditName(ChartSection section) => section switch
    {
        ChartSection.Demographics => "demographics",
        ChartSection.Encounters => "encounters",
        ChartSection.Documents => "documents",
        ChartSection.Allergies => "allergies",
        ChartSection.Problems => "problems",
        ChartSection.Medications => "medications",
        ChartSection.Immunizations => "immunizations",
        ChartSection.Procedures => "procedures",
        ChartSection.LabResults => "lab-results",
        ChartSection.VitalSigns => "vital-signs",
        ChartSection.OtherObservations => "other-observations",
        ChartSection.Imaging => "imaging",
        ChartSection.NoteText => "note-text",
        _ => throw new ArgumentOutOfRangeException(nameof(section), section, null),
    };
}
