using System.Collections.Frozen;
using System.Globalization;

namespace HimPortal.Application.Clinical.Values;

/// <summary>
/// The decimals each test is reported in: temperature to 0.1 °C, heart and breathing rates and SpO2 as whole numbers,
/// potassium to 0.1 mmol/L, creatinine to 0.01 mg/dL. Synthea writes 40.042 °C and 5.2911 ×10⁶/µL; a lab report or a
/// vital-signs flowsheet shows 40.0 and 5.29, and a reader takes the digits shown as the precision of the measurement.
/// The figures are the ones US hospital labs and flowsheets commonly print (the performing lab's own precision comes
/// first once an interface sends it). A test not in the table keeps three significant digits, never fewer than its
/// whole part, and no trailing zeros it did not send.
/// </summary>
public static class ReportingPrecision
{
    private const int SignificantDigits = 3;

    private static readonly FrozenDictionary<string, int> Decimals = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        // vital signs and body measures
        ["8310-5"] = 1, // body temperature
        ["8867-4"] = 0, // heart rate
        ["8889-8"] = 0, // heart rate by pulse oximetry
        ["9279-1"] = 0, // respiratory rate
        ["2708-6"] = 0, // oxygen saturation, arterial
        ["59408-5"] = 0, // oxygen saturation by pulse oximetry
        ["2713-6"] = 0, // oxygen saturation, calculated
        [BloodPressure.Systolic] = 0,
        [BloodPressure.Diastolic] = 0,
        ["8478-0"] = 0, // mean blood pressure
        ["29463-7"] = 1, // body weight
        ["8302-2"] = 1, // body height
        ["9843-4"] = 1, // head circumference
        ["39156-5"] = 1, // BMI
        ["59576-9"] = 1, // BMI percentile
        ["77606-2"] = 1, // weight-for-length percentile
        ["72514-3"] = 0, // pain severity 0-10
        ["38208-5"] = 0, // pain severity reported

        // chemistry
        ["2339-0"] = 0, ["2345-7"] = 0, // glucose
        ["6299-2"] = 0, ["3094-0"] = 0, // urea nitrogen
        ["38483-4"] = 2, ["2160-0"] = 2, // creatinine
        ["49765-1"] = 1, ["17861-6"] = 1, // calcium
        ["2947-0"] = 0, ["2951-2"] = 0, // sodium
        ["6298-4"] = 1, ["2823-3"] = 1, // potassium
        ["2069-3"] = 0, ["2075-0"] = 0, // chloride
        ["20565-8"] = 0, ["2028-9"] = 0, // carbon dioxide
        ["2885-2"] = 1, // total protein
        ["1751-7"] = 1, // albumin
        ["10834-0"] = 0, // globulin (g/L)
        ["1975-2"] = 1, // bilirubin
        ["1742-6"] = 0, ["1920-8"] = 0, ["6768-6"] = 0, // ALT, AST, alkaline phosphatase
        ["33914-3"] = 0, // eGFR
        ["14959-1"] = 1, // microalbumin/creatinine
        ["19123-9"] = 1, // magnesium
        ["2498-4"] = 0, ["2500-7"] = 0, ["2502-3"] = 0, ["2276-4"] = 0, // iron, TIBC, saturation, ferritin
        ["14804-9"] = 0, ["2157-6"] = 0, // LDH, CK
        ["1988-5"] = 1, // CRP
        ["33959-8"] = 2, // procalcitonin
        ["89579-7"] = 0, // hs-troponin I
        ["33762-6"] = 0, // NT-proBNP
        ["48065-7"] = 2, // D-dimer
        ["59032-3"] = 1, // lactate

        // lipids and diabetes
        ["2093-3"] = 0, ["2571-8"] = 0, ["18262-6"] = 0, ["2085-9"] = 0,
        ["4548-4"] = 1, // HbA1c

        // blood count
        ["6690-2"] = 1, // leukocytes
        ["789-8"] = 2, // erythrocytes
        ["718-7"] = 1, // hemoglobin
        ["4544-3"] = 1, ["20570-8"] = 1, // hematocrit
        ["787-2"] = 1, ["785-6"] = 1, ["786-4"] = 1, // MCV, MCH, MCHC
        ["788-0"] = 1, ["21000-5"] = 1, // RDW
        ["777-3"] = 0, // platelets
        ["32623-1"] = 1, ["32207-3"] = 1, // MPV, PDW
        ["770-8"] = 1, ["736-9"] = 1, ["5905-5"] = 1, ["713-8"] = 1, ["706-2"] = 1, // differential %
        ["751-8"] = 2, ["731-0"] = 2, ["742-7"] = 2, ["711-2"] = 2, ["704-7"] = 2, // differential counts

        // blood gases and coagulation
        ["2744-1"] = 2, // arterial pH
        ["2019-8"] = 0, ["2703-7"] = 0, // pCO2, pO2
        ["1960-4"] = 0, // bicarbonate
        ["19994-3"] = 0, // FiO2 setting
        ["5902-2"] = 1, // prothrombin time
        ["6301-6"] = 1, // INR

        // specific IgE: ImmunoCAP reports kU/L to two decimals
        ["6206-7"] = 2, ["6273-7"] = 2, ["6082-2"] = 2, ["6246-3"] = 2, ["6276-0"] = 2, ["6106-9"] = 2, ["6248-9"] = 2,
        ["7258-7"] = 2, ["6189-5"] = 2, ["6085-5"] = 2, ["6833-8"] = 2, ["6095-4"] = 2, ["6075-6"] = 2, ["6844-5"] = 2,
        ["6158-0"] = 2,

        // urine strip, stool, cardiology, lung function, bone density, pathology
        ["5792-7"] = 0, ["20505-4"] = 1, ["5797-6"] = 0, ["5804-0"] = 0,
        ["5811-5"] = 3, // specific gravity
        ["5803-2"] = 1, // urine pH
        ["57905-2"] = 0, // fecal immunochemical test
        ["10230-1"] = 0, // LV ejection fraction
        ["19926-5"] = 0, // FEV1/FVC
        ["38265-5"] = 1, // DXA T-score
        ["33756-8"] = 0, // polyp size
        ["66519-0"] = 0, ["66524-0"] = 0, ["66529-9"] = 0, ["66534-9"] = 0, // eczema area, % of a body region
        ["46240-8"] = 0, // hospitalisations and visits, a count
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Whether the table gives this test's decimals (rather than the significant-digit fallback).</summary>
    public static bool Covers(string code) => Decimals.ContainsKey(code);

    /// <summary>The value as reported: rounded half away from zero, as labs round.</summary>
    public static decimal Round(string? code, decimal value) =>
        Math.Round(value, DecimalsFor(code, value, out _), MidpointRounding.AwayFromZero);

    public static string Format(string? code, decimal value)
    {
        var decimals = DecimalsFor(code, value, out var fixedPrecision);
        var rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        // A reported precision keeps its zeros ("40.0", "4.0 mmol/L"); the fallback adds none the source did not send.
        return fixedPrecision
            ? rounded.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            : rounded.ToString("0.######", CultureInfo.InvariantCulture);
    }

    private static int DecimalsFor(string? code, decimal value, out bool fixedPrecision)
    {
        if (code is not null && Decimals.TryGetValue(code, out var decimals))
        {
            fixedPrecision = true;
            return decimals;
        }

        fixedPrecision = false;
        var magnitude = Math.Abs(value);
        if (magnitude == 0)
            return 0;

        // Digits before the point for 1 and over; for less than 1, the place of the first significant digit.
        var exponent = (int)Math.Floor(Math.Log10((double)magnitude));
        return Math.Clamp(SignificantDigits - 1 - exponent, 0, 6);
    }
}
