namespace HimPortal.Application.Completion;

/// <summary>The encounter classes chart completion knows (HL7 v3 ActCode, as clinical.encounters.class holds them).</summary>
public static class StayClasses
{
    public static readonly IReadOnlyList<string> Known = ["IMP", "OBSENC", "EMER", "SS", "AMB"];

    public static string Label(string code) => code switch
    {
        "IMP" => "Inpatient",
        "OBSENC" => "Observation",
        "EMER" => "Emergency",
        "SS" => "Short stay (day surgery)",
        "AMB" => "Ambulatory",
        _ => code,
    };
}
