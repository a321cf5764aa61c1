using System.Globalization;
using System.Text.RegularExpressions;

namespace HimPortal.Application.Documents.SuggestFiling;

/// <summary>
/// What a page's text (PDF text layer or OCR) may say about where it belongs: tokens that could be an MRN, dates that
/// could be a birth date, and words naming a document type. Only candidates: the database decides which are real, and
/// the clerk decides. The text is patient data and never leaves this class except as these candidates.
/// </summary>
public static partial class FilingHints
{
    /// <summary>How much of a document's text is read: a long outside record names its patient on its first pages.</summary>
    public const int MaxCharacters = 40_000;

    private const int MaxCandidates = 50;

    /// <summary>Tokens of 5 to 64 letters, digits and hyphens, with at least 4 digits (MRNs, account numbers; some systems use a uuid), after an "MRN" label or not.</summary>
    public static IReadOnlyList<string> MrnCandidates(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<string>();
        foreach (Match match in Token().Matches(Clip(text)))
        {
            var token = match.Value.Trim('-');
            if (token.Length is >= 5 and <= 64 && token.Count(char.IsAsciiDigit) >= 4 && !found.Contains(token, StringComparer.Ordinal))
            {
                found.Add(token);
                if (found.Count == MaxCandidates)
                {
                    break;
                }
            }
        }

        return found;
    }

    /// <summary>Dates written as 03/14/1961, 3-14-1961, 1961-03-14 or March 14, 1961 (US order for slashes, as US forms write them).</summary>
    public static IReadOnlyList<DateOnly> Dates(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new HashSet<DateOnly>();
        var clipped = Clip(text);
        foreach (Match match in UsDate().Matches(clipped))
        {
            Add(found, match.Groups["y"].Value, match.Groups["m"].Value, match.Groups["d"].Value);
        }

        foreach (Match match in IsoDate().Matches(clipped))
        {
            Add(found, match.Groups["y"].Value, match.Groups["m"].Value, match.Groups["d"].Value);
        }

        foreach (Match match in WordDate().Matches(clipped))
        {
            if (DateOnly.TryParseExact($"{match.Groups["mon"].Value[..3]} {match.Groups["d"].Value} {match.Groups["y"].Value}", "MMM d yyyy",
                    CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var date))
            {
                found.Add(date);
            }
        }

        return found.Take(MaxCandidates).ToList();
    }

    /// <summary>The text folded as patient names are (lower case, no accents), with single spaces, for "does the name appear".</summary>
    public static string Folded(string text) => " " + string.Join(' ', Patients.PatientNames.Fold(Clip(text))
        .Split((char[])[' ', '\n', '\r', '\t', ',', ';', ':', '.', '(', ')', '/'], StringSplitOptions.RemoveEmptyEntries)) + " ";

    private static void Add(HashSet<DateOnly> found, string year, string month, string day)
    {
        if (int.TryParse(year, CultureInfo.InvariantCulture, out var y) && int.TryParse(month, CultureInfo.InvariantCulture, out var m)
            && int.TryParse(day, CultureInfo.InvariantCulture, out var d) && y is >= 1880 and <= 2100 && m is >= 1 and <= 12
            && d >= 1 && d <= DateTime.DaysInMonth(y, m))
        {
            found.Add(new DateOnly(y, m, d));
        }
    }

    private static string Clip(string text) => text.Length <= MaxCharacters ? text : text[..MaxCharacters];

    [GeneratedRegex(@"[A-Za-z0-9][A-Za-z0-9\-]{3,63}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Token();

    [GeneratedRegex(@"\b(?<m>\d{1,2})[/\-](?<d>\d{1,2})[/\-](?<y>\d{4})\b", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex UsDate();

    [GeneratedRegex(@"\b(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})\b", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"\b(?<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?<d>\d{1,2}),?\s+(?<y>\d{4})\b",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex WordDate();
}
