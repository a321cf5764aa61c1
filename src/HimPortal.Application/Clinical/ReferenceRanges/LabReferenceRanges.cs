using System.Globalization;

namespace HimPortal.Application.Clinical.ReferenceRanges;

/// <summary>How a numeric lab result compares with its reference range. Where no range applies the flag is null.</summary>
public enum LabFlag
{
    Normal,
    Low,
    High,
    CriticalLow,
    CriticalHigh,
}

/// <summary>One row of lab-reference-ranges.csv. Ages are whole years, minimum inclusive, maximum exclusive; null is open.</summary>
/// <param name="Sex">"M", "F", or null for a row that applies to anyone.</param>
public sealed record ReferenceRange(
    string Loinc,
    string Unit,
    string? Sex,
    int? AgeMinYears,
    int? AgeMaxYears,
    decimal? Low,
    decimal? High,
    decimal? CriticalLow,
    decimal? CriticalHigh,
    string Source);

/// <summary>
/// Reference ranges for the quantitative lab results we import. Synthea's Observations carry a LOINC code and a UCUM unit
/// but no referenceRange, so the flags come from our own table. See README.md beside this file.
/// </summary>
public sealed class LabReferenceRanges
{
    private const string ResourceName = "HimPortal.Application.Clinical.ReferenceRanges.lab-reference-ranges.csv";
    private const string Header = "loinc,display,unit,sex,age_min_years,age_max_years,low,high,critical_low,critical_high,source";

    private static readonly Lazy<LabReferenceRanges> Embedded = new(LoadEmbedded);

    private readonly ILookup<string, ReferenceRange> _byLoinc;

    private LabReferenceRanges(IReadOnlyList<ReferenceRange> rows)
    {
        Rows = rows;
        _byLoinc = rows.ToLookup(row => row.Loinc, StringComparer.Ordinal);
    }

    /// <summary>The table shipped in this assembly, read once on first use.</summary>
    public static LabReferenceRanges Default => Embedded.Value;

    public IReadOnlyList<ReferenceRange> Rows { get; }

    /// <summary>
    /// The most specific row for this result: a sex-specific row before an any-sex one, then the narrowest age band.
    /// Null when nothing applies, including a unit other than the row's: a range in the wrong unit would give a wrong flag.
    /// </summary>
    /// <param name="sex">FHIR administrative gender. "other" and "unknown" match only any-sex rows.</param>
    /// <param name="birthDate">Without it only rows with no age bounds apply.</param>
    public ReferenceRange? Find(string loinc, string? unit, string? sex, DateOnly? birthDate, DateTimeOffset effective)
    {
        var rowSex = sex switch
        {
            "male" => "M",
            "female" => "F",
            _ => null,
        };

        // The calendar date where the sample was taken, not converted to server time.
        int? age = birthDate is { } born ? AgeInYears(born, DateOnly.FromDateTime(effective.DateTime)) : null;

        return _byLoinc[loinc]
            .Where(row => row.Unit == unit)
            .Where(row => row.Sex is null || row.Sex == rowSex)
            .Where(row => age is { } years
                ? (row.AgeMinYears is null || years >= row.AgeMinYears) && (row.AgeMaxYears is null || years < row.AgeMaxYears)
                : row.AgeMinYears is null && row.AgeMaxYears is null)
            .OrderBy(row => row.Sex is null)
            .ThenBy(row => (long)(row.AgeMaxYears ?? int.MaxValue) - (row.AgeMinYears ?? 0))
            .FirstOrDefault();
    }

    /// <summary>Critical limits are checked first; a value equal to a limit is inside it.</summary>
    public static LabFlag? Flag(ReferenceRange? range, decimal? value)
    {
        if (range is null || value is not { } v)
            return null;

        // A missing limit compares false, so a row without critical limits never flags critical.
        if (v < range.CriticalLow)
            return LabFlag.CriticalLow;
        if (v > range.CriticalHigh)
            return LabFlag.CriticalHigh;
        if (v < range.Low)
            return LabFlag.Low;
        if (v > range.High)
            return LabFlag.High;
        return LabFlag.Normal;
    }

    /// <summary>Reads the CSV; any malformed row fails the whole load, naming its line, rather than leaving a hole in the table.</summary>
    internal static LabReferenceRanges Parse(TextReader reader)
    {
        if (reader.ReadLine() != Header)
            throw Malformed(1, $"the header must be \"{Header}\"");

        var rows = new List<ReferenceRange>();
        var keys = new HashSet<(string, string, string?, int?, int?)>();
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
                continue;

            var row = ParseRow(text, line);

            // Two rows for the same LOINC, unit, sex and ages would make the choice depend on file order.
            if (!keys.Add((row.Loinc, row.Unit, row.Sex, row.AgeMinYears, row.AgeMaxYears)))
                throw Malformed(line, "another row already covers this LOINC, unit, sex and age band");
            rows.Add(row);
        }

        return new LabReferenceRanges(rows);
    }

    private static ReferenceRange ParseRow(string text, int line)
    {
        var fields = text.Split(',');
        if (fields.Length != 11)
            throw Malformed(line, $"expected 11 fields, found {fields.Length} (fields cannot contain commas)");
        if (fields[0].Length == 0 || fields[2].Length == 0 || fields[10].Trim().Length == 0)
            throw Malformed(line, "loinc, unit and source are required");
        if (fields[3] is not ("" or "M" or "F"))
            throw Malformed(line, $"sex must be M, F or empty, not \"{fields[3]}\"");

        var row = new ReferenceRange(
            fields[0],
            fields[2],
            fields[3].Length == 0 ? null : fields[3],
            Integer(fields[4], line, "age_min_years"),
            Integer(fields[5], line, "age_max_years"),
            Number(fields[6], line, "low"),
            Number(fields[7], line, "high"),
            Number(fields[8], line, "critical_low"),
            Number(fields[9], line, "critical_high"),
            fields[10]);

        if (row.AgeMinYears >= row.AgeMaxYears)
            throw Malformed(line, "age_min_years must be below age_max_years");
        if (row.Low > row.High)
            throw Malformed(line, "low is above high");
        if (row.CriticalLow > row.Low || row.CriticalHigh < row.High || row.CriticalLow > row.CriticalHigh)
            throw Malformed(line, "critical limits must lie outside the normal range");
        return row;
    }

    private static int? Integer(string text, int line, string column) =>
        text.Length == 0 ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw Malformed(line, $"{column} \"{text}\" is not a whole number of years");

    private static decimal? Number(string text, int line, string column) =>
        text.Length == 0 ? null
        : decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value
        : throw Malformed(line, $"{column} \"{text}\" is not a number");

    private static FormatException Malformed(int line, string message) =>
        new($"lab-reference-ranges.csv line {line}: {message}");

    private static int AgeInYears(DateOnly born, DateOnly on)
    {
        var age = on.Year - born.Year;
        return on < born.AddYears(age) ? age - 1 : age;
    }

    private static LabReferenceRanges LoadEmbedded()
    {
        using var stream = typeof(LabReferenceRanges).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from the build.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }
}
