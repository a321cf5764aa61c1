namespace HimPortal.Application.Clinical.Values;

/// <summary>
/// The LOINC codes of a blood pressure. A panel carries its pressures as components, identified by code: FHIR does not
/// order components (US Core's blood pressure profile slices them by code), so the first is not the systolic.
/// </summary>
public static class BloodPressure
{
    public const string Systolic = "8480-6";

    public const string Diastolic = "8462-4";

    /// <summary>Blood pressure panel with all children optional (US Core, FHIR vital signs profile).</summary>
    public const string Panel = "85354-9";

    /// <summary>Blood pressure systolic and diastolic (the older panel code).</summary>
    public const string SystolicAndDiastolic = "55284-4";

    public static bool IsPanel(string? code) => code is Panel or SystolicAndDiastolic;
}
