using System.Globalization;

namespace HimPortal.Application.Clinical.ReferenceRanges;

/// <summary>How a numeric result (a lab test or a vital sign) compares with its reference range. Where no range applies the flag is null.</summary>
public enum RangeFlag
{
    Normal,
    Low,
    High,
    CriticalLow,
    CriticalHigh,
}

/// <summary>
/// One row of a reference table. Ages are whole months, minimum inclusive, maximum exclusive; null is open (the CSV
/// writes them in years, or in months with an "m": "3m").
/// </summary>
/// <param name="Sex">"M", "F", or null for a row that applies to anyone.</param>
public sealed record ReferenceRange(
    string Loinc,
    string Unit,
    string? Sex,
    int? AgeMinMonths,
    int? AgeMaxMonths,
    decimal? Low,
    decimal? High,
    decimal? CriticalLow,
    decimal? CriticalHigh,
    string Source);

/// <summary>
/// Reference ranges for the quantitative results we import: lab tests (<see cref="Labs"/>) and vital signs
/// (<see cref="VitalSigns"/>). Synthea's Observations carry a LOINC code and a UCUM unit but no referenceRange, so the
/// flags come from our own tables. See README.md beside this file.
/// </summary>
public sealed class ReferenceRangeTable
{
    private const string Header = "loinc,display,unit,sex,age_min,age_max,low,high,critical_low,critical_high,source";

    private static readonly Lazy<ReferenceRangeTable> EmbeddedLabs = new(() => LoadEmbedded("lab-reference-ranges.csv"));
    private static readonly Lazy<ReferenceRangeTable> EmbeddedVitalSigns = new(() => LoadEmbedded("vital-sign-ranges.csv"));

    private readonly ILookup<string, ReferenceRange> _byLoinc;

    private ReferenceRangeTable(IReadOnlyList<ReferenceRange> rows)
    {
        Rows = rows;
        _byLoinc = rows.ToLookup(row => row.Loinc, StringComparer.Ordinal);
    }

    /// <summary>The lab table shipped in this assembly (lab-reference-ranges.csv), read once on first use.</summary>
    public static ReferenceRangeTable Labs => EmbeddedLabs.Value;

    /// <summary>The vital-sign table shipped in this assembly (vital-sign-ranges.csv), read once on first use.</summary>
    public static ReferenceRangeTable VitalSigns => EmbeddedVitalSigns.Value;

    public IReadOnlyList<ReferenceRange> Rows { get; }

    public bool Covers(string loinc) => _byLoinc.Contains(loinc);

    /// <summary>
    /// The most specific row for this result: a sex-specific row before an any-sex one, then the narrowest age band.
    /// Null when nothing applies, including a unit other than the row's: a range in the wrong unit would give a wrong flag.
    /// </summary>
    /// <param name="sex">FHIR administrative gender. "other" and "unknown" match only any-sex rows.</param>
    /// <param name="birthDate">Without it (or without <paramref name="effective"/>) only rows with no age bounds apply.</param>
    public ReferenceRange? Find(string loinc, string? unit, string? sex, DateOnly? birthDate, DateTimeOffset? effective)
    {
        var rowSex = sex switch
        {
            "male" => "M",
            "female" => "F",
            _ => null,
        };

        // The calendar date where the result was taken, not converted to server time.
        int? age = birthDate is { } born && effective is { } at ? AgeInMonths(born, DateOnly.FromDateTime(at.DateTime)) : null;

        return _byLoinc[loinc]
            .Where(row => row.Unit == unit)
            .Where(row => row.Sex is null || row.Sex == rowSex)
            .Where(row => age is { } months
                ? (row.AgeMinMonths is null || months >= row.AgeMinMonths) && (row.AgeMaxMonths is null || months < row.AgeMaxMonths)
                : row.AgeMinMonths is null && row.AgeMaxMonths is null)
            .OrderBy(row => row.Sex is null)
            .ThenBy(row => (long)(row.AgeMaxMonths ?? int.MaxValue) - (row.AgeMinMonths ?? 0))
            .FirstOrDefault();
    }

    /// <summary>Critical limits are checked first; a value equal to a limit is inside it.</summary>
    public static RangeFlag? Flag(ReferenceRange? range, decimal? value)
    {
        if (range is null || value is not { } v)
            return null;

        // A missing limit compares false, so a row without critical limits never flags critical.
        if (v < range.CriticalLow)
            return RangeFlag.CriticalLow;
        if (v > range.CriticalHigh)
            return RangeFlag.CriticalHigh;
        if (v < range.Low)
            return RangeFlag.Low;
        if (v > range.High)
            return RangeFlag.High;
        return RangeFlag.Normal;
    }

    /// <summary>Reads a table; any malformed row fails the whole load, naming the file and line, rather than leaving a hole in the table.</summary>
    internal static ReferenceRangeTable Parse(TextReader reader, string file)
    {
        if (reader.ReadLine() != Header)
            throw Malformed(file, 1, $"the header must be \"{Header}\"");

        var rows = new List<ReferenceRange>();
        var keys = new HashSet<(string, string, string?, int?, int?)>();
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
                continue;

            var row = ParseRow(text, file, line);

            // Two rows for the same LOINC, unit, sex and ages would make the choice depend on file order.
            if (!keys.Add((row.Loinc, row.Unit, row.Sex, row.AgeMinMonths, row.AgeMaxMonths)))
                throw Malformed(file, line, "another row already covers this LOINC, unit, sex and age band");
            rows.Add(row);
        }

        return new ReferenceRangeTable(rows);
    }

    private static ReferenceRange ParseRow(string text, string file, int line)
    {
        var fields = text.Split(',');
        if (fields.Length != 11)
            throw Malformed(file, line, $"expected 11 fields, found {fields.Length} (fields cannot contain commas)");
        if (fields[0].Length == 0 || fields[2].Length == 0 || fields[10].Trim().Length == 0)
            throw Malformed(file, line, "loinc, unit and source are required");
        if (fields[3] is not ("" or "M" or "F"))
            throw Malformed(file, line, $"sex must be M, F or empty, not \"{fields[3]}\"");

        var row = new ReferenceRange(
            fields[0],
            fields[2],
            fields[3].Length == 0 ? null : fields[3],
            Age(fields[4], file, line, "age_min"),
            Age(fields[5], file, line, "age_max"),
            Number(fields[6], file, line, "low"),
            Number(fields[7], file, line, "high"),
            Number(fields[8], file, line, "critical_low"),
            Number(fields[9], file, line, "critical_high"),
            fields[10]);

        if (row.AgeMinMonths >= row.AgeMaxMonths)
            throw Malformed(file, line, "age_min must be below age_max");
        if (row.Low > row.High)
            throw Malformed(file, line, "low is above high");
        if (row.CriticalLow > row.Low || row.CriticalHigh < row.High || row.CriticalLow > row.CriticalHigh)
            throw Malformed(file, line, "critical limits must lie outside the normal range");
        return row;
    }

    /// <summary>An age in whole years ("12"), or in whole months with an "m" ("3m"), as months.</summary>
    private static int? Age(string text, string file, int line, string column)
    {
        if (text.Length == 0)
            return null;

        var months = text.EndsWith('m');
        return int.TryParse(months ? text[..^1] : text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? months ? value : value * 12
            : throw Malformed(file, line, $"{column} \"{text}\" is not a whole number of years or of months (\"3m\")");
    }

    private static decimal? Number(string text, string file, int line, string column) =>
        text.Length == 0 ? null
        : decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value
        : throw Malformed(file, line, $"{column} \"{text}\" is not a number");

    private static FormatException Malformed(string file, int line, string message) => new($"{file} line {line}: {message}");

    /// <summary>Whole months of age on a date: a month is complete on the day of the month the patient was born.</summary>
    internal static int AgeInMonths(DateOnly born, DateOnly on)
    {
        var months = ((on.Year - born.Year) * 12) + on.Month - born.Month;
        return on.Day < born.Day ? months - 1 : months;
    }

    private static ReferenceRangeTable LoadEmbedded(string file)
    {
        var name = "HimPortal.Application.Clinical.ReferenceRanges." + file;
        using var stream = typeof(ReferenceRangeTable).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return Parse(reader, file);
    }
}
