using System.Globalization;

namespace HimPortal.Application.Clinical;

/// <summary>How a result reads on screen: "5.4 mmol/L", "120/80 mm[Hg]", "Never smoker".</summary>
public static class ClinicalValues
{
    public static string Format(decimal? quantity, string? unit, string? codedDisplay, string? text)
    {
        if (quantity is { } value)
        {
            return unit is { Length: > 0 } ? $"{Number(value)} {unit}" : Number(value);
        }

        return codedDisplay ?? text ?? "";
    }

    /// <summary>A number without trailing zeros, in invariant culture (results are read the same on every workstation).</summary>
    public static string Number(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
