using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace HimPortal.Application.Patients.Matching;

/// <summary>
/// Turns what a record says into what the matcher compares (issue 16 item 1): lower case, accent-free, letters only;
/// nicknames resolved; streets with USPS abbreviations; phones, SSNs and postal codes as digits. The same code normalises
/// stored records (<see cref="MatchKeysRefresh"/>) and probes (<see cref="MatchProbe"/>), so both sides always agree.
/// </summary>
public static class MatchNormaliser
{
    private static readonly (FrozenDictionary<string, string> Canonical, FrozenDictionary<string, string[]> Related) Nicknames = LoadNicknames();

    /// <summary>USPS Publication 28 suffixes and directions most often written out in full (C1, C2).</summary>
    private static readonly FrozenDictionary<string, string> StreetWords = new Dictionary<string, string>
    {
        ["street"] = "st", ["str"] = "st", ["avenue"] = "ave", ["av"] = "ave", ["road"] = "rd", ["drive"] = "dr", ["lane"] = "ln",
        ["boulevard"] = "blvd", ["court"] = "ct", ["place"] = "pl", ["square"] = "sq", ["terrace"] = "ter", ["parkway"] = "pkwy",
        ["highway"] = "hwy", ["circle"] = "cir", ["trail"] = "trl", ["way"] = "way", ["apartment"] = "apt", ["suite"] = "ste",
        ["unit"] = "unit", ["north"] = "n", ["south"] = "s", ["east"] = "e", ["west"] = "w", ["northeast"] = "ne",
        ["northwest"] = "nw", ["southeast"] = "se", ["southwest"] = "sw", ["mount"] = "mt", ["fort"] = "ft", ["saint"] = "st",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Lower case, diacritics removed (é → e), letters a–z only ("O'Brien" → "obrien", "Armando772" → "armando").</summary>
    public static string? Name(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value.Normalize(NormalizationForm.FormD))
        {
            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z')
            {
                builder.Append(lower);
            }
            else if (lower == 'ß')
            {
                builder.Append("ss");
            }
        }

        return builder.Length == 0 ? null : builder.ToString();
    }

    /// <summary>The words of a name (split on spaces and hyphens), each normalised: "García-López" → garcia, lopez.</summary>
    public static IReadOnlyList<string> NameParts(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : [.. value.Split([' ', '-', '\u2010', '\u2011', '\u2013'], StringSplitOptions.RemoveEmptyEntries).Select(Name).OfType<string>()];

    /// <summary>The given name a nickname stands for ("bill" → "william"); the name itself when it is no known nickname.</summary>
    public static string? Canonical(string? given) =>
        given is null ? null : Nicknames.Canonical.GetValueOrDefault(given, given);

    /// <summary>Whether one name is a nickname of the other or both are nicknames of one name (in the checked-in table).</summary>
    public static bool AreNicknames(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a == b)
        {
            return false;
        }

        var relatedA = Nicknames.Related.GetValueOrDefault(a, []);
        var relatedB = Nicknames.Related.GetValueOrDefault(b, []);
        return relatedA.Contains(b) || relatedB.Contains(a) || relatedA.Intersect(relatedB).Any();
    }

    /// <summary>Ten digits of a US phone number, a leading country code 1 dropped; null for anything else.</summary>
    public static string? Phone(string? value)
    {
        var digits = Digits(value);
        if (digits.Length == 11 && digits[0] == '1')
        {
            digits = digits[1..];
        }

        return digits.Length == 10 ? digits : null;
    }

    /// <summary>(full nine digits or null, last four or null): "999-12-3456" → (999123456, 3456); "xxx-xx-3456" → (null, 3456).</summary>
    public static (string? Ssn, string? Last4) Ssn(string? value)
    {
        var digits = Digits(value);
        return digits.Length switch
        {
            9 => (digits, digits[5..]),
            4 => (null, digits),
            _ => (null, null),
        };
    }

    public static string? PostalCode(string? value)
    {
        var digits = Digits(value);
        return digits.Length >= 5 ? digits[..5] : null;
    }

    public static string? Email(string? value) =>
        string.IsNullOrWhiteSpace(value) || !value.Contains('@', StringComparison.Ordinal) ? null : value.Trim().ToLowerInvariant();

    /// <summary>"123 North Main Street, Apt. 4" → "123 n main st apt 4": lower case, accent-free, punctuation gone, USPS abbreviations.</summary>
    public static string? Street(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in value.Normalize(NormalizationForm.FormD).ToLowerInvariant().Append(' '))
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                word.Append(c);
            }
            else if (c is ' ' or ',' or '\t' or '\n' or '#' or '/' or '-')
            {
                if (word.Length > 0)
                {
                    var w = word.ToString();
                    words.Add(StreetWords.GetValueOrDefault(w, w));
                    word.Clear();
                }
            }
        }

        return words.Count == 0 ? null : string.Join(' ', words);
    }

    /// <summary>
    /// Whether the name is a temporary one given to a newborn or an unidentified patient (one of <paramref name="patterns"/>,
    /// each matched as whole words against "given family", e.g. "baby girl", "unknown", "trauma", "john doe").
    /// </summary>
    public static bool IsTemporary(string? given, string? family, IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var full = " " + string.Join(' ', NameParts(given).Concat(NameParts(family))) + " ";
        return patterns.Select(p => string.Join(' ', NameParts(p))).Where(p => p.Length > 0).Any(p => full.Contains(" " + p + " ", StringComparison.Ordinal));
    }

    private static string Digits(string? value) => value is null ? "" : new string([.. value.Where(char.IsAsciiDigit)]);

    private static (FrozenDictionary<string, string>, FrozenDictionary<string, string[]>) LoadNicknames()
    {
        using var stream = typeof(MatchNormaliser).Assembly.GetManifestResourceStream("HimPortal.Application.Patients.Matching.nicknames.csv")
            ?? throw new InvalidOperationException("The nickname table is not embedded.");
        using var reader = new StreamReader(stream);
        var canonical = new Dictionary<string, string>(StringComparer.Ordinal);
        var related = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#') || line.Split(',') is not [var nick, var name])
            {
                continue;
            }

            nick = Name(nick)!;
            name = Name(name)!;
            // A nickname of two names ("bert": Albert, Robert) resolves to the first listed; both count as related.
            canonical.TryAdd(nick, name);
            AddRelated(related, nick, name);
            AddRelated(related, name, nick);
        }

        return (canonical.ToFrozenDictionary(StringComparer.Ordinal),
            related.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal));
    }

    private static void AddRelated(Dictionary<string, HashSet<string>> related, string from, string to)
    {
        if (!related.TryGetValue(from, out var set))
        {
            related[from] = set = [];
        }

        set.Add(to);
    }

    internal static string Invariant(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
