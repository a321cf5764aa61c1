using System.Collections.Frozen;

namespace HimPortal.Application.Clinical.Values;

/// <summary>
/// UCUM unit codes as people write them: "Cel" is °C, "mm[Hg]" is mmHg, "10*6/uL" is ×10⁶/µL. The table covers every
/// unit in data/synthea-r4 (a test holds it) and the common ones of US labs. A code it does not know is shown as it is:
/// a raw unit is better than no unit. Annotations that are not units ({score}, {INR}, [pH]) show nothing.
/// </summary>
public static class Units
{
    private static readonly FrozenDictionary<string, string> Written = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // vital signs and body measures
        ["Cel"] = "°C",
        ["[degF]"] = "°F",
        ["mm[Hg]"] = "mmHg",
        ["/min"] = "/min",
        ["{beats}/min"] = "beats/min",
        ["{breaths}/min"] = "breaths/min",
        ["%"] = "%",
        ["kg"] = "kg",
        ["g"] = "g",
        ["[lb_av]"] = "lb",
        ["[oz_av]"] = "oz",
        ["m"] = "m",
        ["cm"] = "cm",
        ["mm"] = "mm",
        ["[in_i]"] = "in",
        ["kg/m2"] = "kg/m²",
        ["m2"] = "m²",

        // concentrations
        ["g/dL"] = "g/dL",
        ["g/L"] = "g/L",
        ["mg/dL"] = "mg/dL",
        ["mg/L"] = "mg/L",
        ["ug/dL"] = "µg/dL",
        ["ug/L"] = "µg/L",
        ["ug/mL"] = "µg/mL",
        ["ng/dL"] = "ng/dL",
        ["ng/mL"] = "ng/mL",
        ["ng/L"] = "ng/L",
        ["pg/mL"] = "pg/mL",
        ["mmol/L"] = "mmol/L",
        ["umol/L"] = "µmol/L",
        ["nmol/L"] = "nmol/L",
        ["pmol/L"] = "pmol/L",
        ["meq/L"] = "mEq/L",
        ["mEq/L"] = "mEq/L",
        ["mosm/kg"] = "mOsm/kg",
        ["mg/g"] = "mg/g",
        ["mg/mmol"] = "mg/mmol",
        ["mg/(24.h)"] = "mg/24 h",

        // enzyme and immunoassay activity
        ["U/L"] = "U/L",
        ["[IU]/L"] = "IU/L",
        ["m[IU]/L"] = "mIU/L",
        ["m[IU]/mL"] = "mIU/mL",
        ["u[IU]/mL"] = "µIU/mL",
        ["kU/L"] = "kU/L",
        ["k[IU]/L"] = "kIU/L",

        // counts and cell sizes
        ["10*3/uL"] = "×10³/µL",
        ["10*6/uL"] = "×10⁶/µL",
        ["10*9/L"] = "×10⁹/L",
        ["10*12/L"] = "×10¹²/L",
        ["/uL"] = "/µL",
        ["/[HPF]"] = "/HPF",
        ["/[LPF]"] = "/LPF",
        ["fL"] = "fL",
        ["pg"] = "pg",

        // flows, volumes and times
        ["mL/min"] = "mL/min",
        ["mL/min/{1.73_m2}"] = "mL/min/1.73 m²",
        ["mL/min/1.73.m2"] = "mL/min/1.73 m²",
        ["L"] = "L",
        ["L/min"] = "L/min",
        ["mL"] = "mL",
        ["dL"] = "dL",
        ["s"] = "s",
        ["min"] = "min",
        ["h"] = "h",
        ["d"] = "days",
        ["wk"] = "weeks",
        ["mo"] = "months",
        ["a"] = "years",

        // not units: scores, ratios and scales whose name the test's name already says
        ["1"] = "",
        ["{score}"] = "",
        ["{INR}"] = "",
        ["{ratio}"] = "",
        ["{T-score}"] = "",
        ["{Z-score}"] = "",
        ["{nominal}"] = "",
        ["{count}"] = "",
        ["[pH]"] = "",
        ["pH"] = "",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // A rate per minute says what it counts: beats for a pulse, breaths for breathing.
    private static readonly FrozenDictionary<string, string> PerMinute = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["8867-4"] = "beats/min", // heart rate
        ["8889-8"] = "beats/min", // heart rate by pulse oximetry
        ["9279-1"] = "breaths/min", // respiratory rate
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="unit"/> is a UCUM code of the table (rather than shown as it came).</summary>
    public static bool IsKnown(string unit) => Written.ContainsKey(unit);

    /// <summary>The unit as people write it; empty for none; an unknown code unchanged.</summary>
    /// <param name="code">The LOINC code of the test, for a rate whose unit is "/min".</param>
    public static string Display(string? code, string? unit)
    {
        if (unit is null or "")
            return "";
        if (unit == "/min" && code is not null && PerMinute.TryGetValue(code, out var rate))
            return rate;
        return Written.TryGetValue(unit, out var written) ? written : unit;
    }
}
