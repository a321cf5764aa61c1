using HimPortal.Application.Clinical.ReferenceRanges;

namespace HimPortal.Application.Clinical.Values;

/// <summary>Who a reference range is chosen for: sex (FHIR administrative gender) and birth date.</summary>
public readonly record struct ResultSubject(string? Sex, DateOnly? BirthDate);

/// <summary>A result's flag ("normal", "high", "critical-low", …) and the reference row it was read against.</summary>
public sealed record ResultInterpretation(string Flag, ReferenceRange Range);

/// <summary>
/// Flags a numeric result, lab test or vital sign alike, from the reference tables (<see cref="ReferenceRangeTable"/>),
/// by the patient's sex and age when the result was taken. The one place flags are decided: the import stores what it
/// says, and every reader asks it again when the record is read, so results imported before a range existed (every
/// vital sign before the vital-sign table) are flagged when shown, and a changed range applies to the whole record at
/// once. It is cheap: a lookup by LOINC among a handful of rows, and a chart is read once per version (ADR 0011).
/// </summary>
public static class ResultFlags
{
    public const string Normal = "normal";
    public const string Low = "low";
    public const string High = "high";
    public const string CriticalLow = "critical-low";
    public const string CriticalHigh = "critical-high";

    /// <summary>
    /// The flag of a value against the table row that fits the patient, or null when no row fits (no table covers the
    /// test, the unit differs, no age band fits) or there is no value. The value is compared as reported
    /// (<see cref="ClinicalValues.Reported"/>): a temperature shown as 38.0 °C is not flagged for the 38.04 behind it.
    /// </summary>
    public static ResultInterpretation? Interpret(string code, string? unit, decimal? value, ResultSubject subject, DateTimeOffset? effective)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (value is not { } v)
            return null;

        var table = ReferenceRangeTable.Labs.Covers(code) ? ReferenceRangeTable.Labs
            : ReferenceRangeTable.VitalSigns.Covers(code) ? ReferenceRangeTable.VitalSigns
            : null;
        var range = table?.Find(code, unit, subject.Sex, subject.BirthDate, effective);
        return ReferenceRangeTable.Flag(range, ClinicalValues.Reported(code, v)) is { } flag ? new ResultInterpretation(Code(flag), range!) : null;
    }

    public static string Code(RangeFlag flag) => flag switch
    {
        RangeFlag.Normal => Normal,
        RangeFlag.Low => Low,
        RangeFlag.High => High,
        RangeFlag.CriticalLow => CriticalLow,
        RangeFlag.CriticalHigh => CriticalHigh,
        _ => throw new ArgumentOutOfRangeException(nameof(flag), flag, null),
    };

    /// <summary>
    /// The flag a panel shows for its components (a blood pressure whose diastolic is critical is critical): critical
    /// before high or low, before normal; of two equally severe, the first.
    /// </summary>
    public static string? Worst(IEnumerable<string?> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        string? worst = null;
        foreach (var flag in flags)
        {
            if (Severity(flag) > Severity(worst))
                worst = flag;
        }

        return worst;
    }

    private static int Severity(string? flag) => flag switch
    {
        CriticalLow or CriticalHigh => 3,
        Low or High => 2,
        Normal => 1,
        _ => 0,
    };
}
