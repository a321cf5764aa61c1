namespace HimPortal.Application.Clinical.Values;

/// <summary>One component of a panel (a blood pressure's systolic pressure, a survey's answer), as the record stores it.</summary>
public sealed record ComponentValue(string Code, string? Display, decimal? Value, string? Unit, string? ValueDisplay, string? ValueString);

/// <summary>
/// How a result reads wherever it is shown (chart, encounter, results page, plots, and later release packets and the
/// portal): "40.0 °C", "114/77 mmHg", "5.29 ×10⁶/µL", "Never smoker". The number is rounded to the precision the test
/// is reported in (<see cref="ReportingPrecision"/>), the unit written as people write it (<see cref="Units"/>), and a
/// blood pressure is systolic over diastolic by the components' codes, whatever order the resource lists them in.
/// </summary>
public static class ClinicalValues
{
    /// <summary>A result's value: its quantity with unit, else its coded answer's display, else its text.</summary>
    /// <param name="code">The LOINC code of the test: it chooses the precision and, for rates, the unit's words.</param>
    public static string Format(string? code, decimal? quantity, string? unit, string? codedDisplay, string? text) =>
        quantity is { } value ? Quantity(code, value, unit) : codedDisplay ?? text ?? "";

    /// <summary>"40.0 °C", "82%", "1.1" (a unitless INR).</summary>
    public static string Quantity(string? code, decimal value, string? unit) => WithUnit(Number(code, value), Unit(code, unit));

    /// <summary>The number at the test's reporting precision, in invariant culture (results read the same on every workstation).</summary>
    public static string Number(string? code, decimal value) => ReportingPrecision.Format(code, value);

    /// <summary>The value as reported: what the reader sees, and so what a flag is decided on.</summary>
    public static decimal Reported(string? code, decimal value) => ReportingPrecision.Round(code, value);

    /// <summary>The unit as people write it ("°C", "mmHg", "beats/min"); empty for a unitless result.</summary>
    public static string Unit(string? code, string? unit) => Units.Display(code, unit);

    /// <summary>
    /// A panel's value from its components. A blood pressure is "114/77 mmHg": systolic (LOINC 8480-6) over diastolic
    /// (8462-4) found by their codes, never by position (FHIR does not order components, and Synthea lists diastolic
    /// first). Anything else, and any further component, reads "Name: value", separated by semicolons.
    /// </summary>
    public static string Panel(IReadOnlyList<ComponentValue> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var systolic = parts.FirstOrDefault(p => p.Code == BloodPressure.Systolic && p.Value is not null);
        var diastolic = parts.FirstOrDefault(p => p.Code == BloodPressure.Diastolic && p.Value is not null);
        var texts = new List<string>(parts.Count);
        var pressure = false;
        if (systolic is { Value: { } high } && diastolic is { Value: { } low })
        {
            pressure = true;
            var (unit, lowUnit) = (Unit(systolic.Code, systolic.Unit), Unit(diastolic.Code, diastolic.Unit));
            texts.Add(unit == lowUnit
                ? WithUnit($"{Number(systolic.Code, high)}/{Number(diastolic.Code, low)}", unit)
                : $"{Quantity(systolic.Code, high, systolic.Unit)}/{Quantity(diastolic.Code, low, diastolic.Unit)}");
        }

        texts.AddRange(parts
            .Where(p => !pressure || (!ReferenceEquals(p, systolic) && !ReferenceEquals(p, diastolic)))
            .Select(p => $"{p.Display ?? p.Code}: {Format(p.Code, p.Value, p.Unit, p.ValueDisplay, p.ValueString)}"));
        return string.Join("; ", texts);
    }

    // "%" is written against its number, as on a lab report ("82%"); every other unit after a space ("40.0 °C").
    private static string WithUnit(string number, string unit) => unit switch
    {
        "" => number,
        "%" => number + unit,
        _ => number + " " + unit,
    };
}
