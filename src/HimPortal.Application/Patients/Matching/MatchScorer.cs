using System.Globalization;
using HimPortal.Data.Mpi;

namespace HimPortal.Application.Patients.Matching;

/// <summary>How many records carry each name (mpi.name_frequencies), for the frequency-adjusted agreement weight.</summary>
public sealed class NameCounts
{
    public static NameCounts None { get; } = new(new Dictionary<(string, string), int>(), 0);

    private readonly IReadOnlyDictionary<(string Kind, string Value), int> _counts;

    public NameCounts(IReadOnlyDictionary<(string Kind, string Value), int> counts, long records)
    {
        _counts = counts;
        Records = records;
    }

    /// <summary>All records in the index (the denominator).</summary>
    public long Records { get; }

    public int Of(string kind, string value) => _counts.GetValueOrDefault((kind, value));
}

/// <summary>What the scorer says of two records.</summary>
public sealed record MatchResult(double Weight, double Score, IReadOnlyList<FieldComparison> Fields)
{
    public string Explanation => FieldComparison.ToJson(Fields);
}

/// <summary>
/// The Fellegi–Sunter comparison of two records' match keys (issue 16 item 1, docs/adr/0029-mpi-fellegi-sunter-matching-blocked-by-index-look-ups.md): per field
/// an agreement, partial agreement or disagreement weight in bits, summed, then turned into a probability with the prior.
/// Two corrections to independence, both for relatives: when the given names disagree outright, the family name and
/// the household (address, phone, e-mail) add nothing (twins, siblings and spouses share them), and when birth dates
/// disagree outright the household adds nothing either (a father and his Jr.); household evidence is capped.
/// </summary>
public static class MatchScorer
{
    public static MatchResult Score(MatchKeys a, MatchKeys b, MatchWeights weights, NameCounts counts)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(counts);

        var (given, family) = Names(a, b, weights, counts);
        var birth = BirthDate(a, b, weights);
        var sex = Sex(a, b, weights);
        var ssn = Ssn(a, b, weights);
        var identifier = Identifier(a, b, weights);
        var address = a.Street is null || b.Street is null
            ? Missing(MatchFields.Address)
            : a.Street == b.Street && (a.PostalCode is null || b.PostalCode is null || a.PostalCode == b.PostalCode || a.City == b.City)
                ? Agree(MatchFields.Address, weights.Address)
                : Disagree(MatchFields.Address, weights.Address);
        var phone = Exact(MatchFields.Phone, a.Phone, b.Phone, weights.Phone);
        var email = Exact(MatchFields.Email, a.Email, b.Email, weights.Email);

        var relative = given.Outcome == FieldOutcomes.Disagree;
        if (relative && family.Weight > 0)
        {
            family = family with { Weight = 0, Note = "given names differ: a family name is shared by relatives" };
        }

        // Household fields: capped together, and worth nothing for a relative (different given name or birth date far off).
        var householdBudget = relative || birth.Outcome == FieldOutcomes.Disagree ? 0 : weights.HouseholdCap;
        var household = new List<FieldComparison>();
        foreach (var field in new[] { address, phone, email })
        {
            if (field.Weight > householdBudget)
            {
                household.Add(field with
                {
                    Weight = Math.Max(0, householdBudget),
                    Note = householdBudget <= 0 ? "shared by a household: no weight when given name or birth date differ" : "household evidence capped",
                });
                householdBudget = 0;
            }
            else
            {
                household.Add(field);
                householdBudget -= Math.Max(0, field.Weight);
            }
        }

        List<FieldComparison> fields = [given, family, birth, sex, ssn, .. household, identifier];
        fields = [.. fields.Select(f => f with { Weight = Math.Round(f.Weight, 2) })];
        var total = fields.Sum(f => f.Weight);
        return new MatchResult(Math.Round(total, 2), Probability(total, weights), fields);
    }

    /// <summary>The match probability: logistic in the total weight with the prior log-odds (base 2).</summary>
    public static double Probability(double weight, MatchWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return Math.Round(1 / (1 + Math.Pow(2, -(weight + weights.PriorLog2Odds))), 4);
    }

    /// <summary>The total weight at which the probability reaches <paramref name="probability"/> (for the settings page).</summary>
    public static double WeightFor(double probability, MatchWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return Math.Log2(probability / (1 - probability)) - weights.PriorLog2Odds;
    }

    private static (FieldComparison Given, FieldComparison Family) Names(MatchKeys a, MatchKeys b, MatchWeights w, NameCounts counts)
    {
        var given = GivenName(a, b, w, counts);
        var family = FamilyName(a, b, w, counts);
        if (given.Outcome == FieldOutcomes.Disagree && family.Outcome == FieldOutcomes.Disagree && a.Given is not null && a.Family is not null
            && b.Given is not null && b.Family is not null
            && SameName(a.Given, a.GivenPhonetic, b.Family, b.FamilyPhonetic) && SameName(a.Family, a.FamilyPhonetic, b.Given, b.GivenPhonetic))
        {
            return (Partial(MatchFields.Given, w.Partial.Swapped, "given and family names swapped"),
                Partial(MatchFields.Family, w.Partial.Swapped, "given and family names swapped"));
        }

        return (given, family);
    }

    private static bool SameName(string x, string? xPhonetic, string y, string? yPhonetic) =>
        x == y || (xPhonetic is not null && xPhonetic == yPhonetic) || JaroWinkler.Similarity(x, y) >= 0.9;

    /// <summary>The note of a given name that agrees only with the other's middle name or as an initial.</summary>
    public const string MiddleNameOrInitial = "middle name or initial";

    private static FieldComparison GivenName(MatchKeys a, MatchKeys b, MatchWeights w, NameCounts counts)
    {
        if (a.Given is null || b.Given is null)
        {
            return Missing(MatchFields.Given);
        }

        var agreement = FrequencyAdjusted(w, w.Given, NameFrequency.GivenKind, a.GivenCanonical ?? a.Given, counts, out var note);
        if (a.Given == b.Given)
        {
            return new FieldComparison(MatchFields.Given, FieldOutcomes.Agree, agreement, note);
        }

        if ((a.GivenCanonical is not null && a.GivenCanonical == b.GivenCanonical) || MatchNormaliser.AreNicknames(a.Given, b.Given))
        {
            return Partial(MatchFields.Given, Math.Min(agreement, w.Partial.Nickname), "nickname");
        }

        if (a.GivenPhonetic is not null && a.GivenPhonetic == b.GivenPhonetic)
        {
            return Partial(MatchFields.Given, Math.Min(agreement, w.Partial.GivenPhonetic), "sounds alike (double metaphone)");
        }

        var similarity = JaroWinkler.Similarity(a.Given, b.Given);
        if (similarity >= 0.9)
        {
            return Partial(MatchFields.Given, Math.Min(agreement, w.Partial.GivenTypo), $"spelling differs (Jaro–Winkler {Format(similarity)})");
        }

        if (Words(a.MiddleNames).Contains(b.Given) || Words(b.MiddleNames).Contains(a.Given)
            || ((a.Given.Length == 1 || b.Given.Length == 1) && a.Given[0] == b.Given[0]))
        {
            return Partial(MatchFields.Given, w.Partial.GivenMiddleOrInitial, MiddleNameOrInitial);
        }

        return Disagree(MatchFields.Given, w.Given);
    }

    private static FieldComparison FamilyName(MatchKeys a, MatchKeys b, MatchWeights w, NameCounts counts)
    {
        if (a.Family is null || b.Family is null)
        {
            return Missing(MatchFields.Family);
        }

        var agreement = FrequencyAdjusted(w, w.Family, NameFrequency.FamilyKind, a.Family, counts, out var note);
        if (a.Family == b.Family)
        {
            return new FieldComparison(MatchFields.Family, FieldOutcomes.Agree, agreement, note);
        }

        if (a.FamilyNames.Append(a.Family).Intersect(b.FamilyNames.Append(b.Family)).Any())
        {
            return Partial(MatchFields.Family, Math.Min(agreement, w.Partial.FamilyPart), "a shared part of the family name, or a maiden or former name");
        }

        if (a.FamilyPhonetic is not null && a.FamilyPhonetic == b.FamilyPhonetic)
        {
            return Partial(MatchFields.Family, Math.Min(agreement, w.Partial.FamilyPhonetic), "sounds alike (double metaphone)");
        }

        var similarity = JaroWinkler.Similarity(a.Family, b.Family);
        return similarity >= 0.9
            ? Partial(MatchFields.Family, Math.Min(agreement, w.Partial.FamilyTypo), $"spelling differs (Jaro–Winkler {Format(similarity)})")
            : Disagree(MatchFields.Family, w.Family);
    }

    /// <summary>
    /// log2(m / u_v) where u_v is the share of records carrying the name (agreeing on "smith" is worth less than on
    /// "przybylski"), once the index is large enough for the shares to mean something; bounded to [1e-6, 0.5].
    /// </summary>
    private static double FrequencyAdjusted(MatchWeights weights, FieldWeight field, string kind, string value, NameCounts counts, out string? note)
    {
        note = null;
        var records = counts.Of(kind, value);
        if (records == 0 || counts.Records < Math.Max(1, weights.FrequencyMinimumRecords))
        {
            return field.Agreement;
        }

        var share = Math.Clamp((double)records / counts.Records, 1e-6, 0.5);
        note = $"name frequency: 1 record in {Math.Max(1, (long)Math.Round(1 / share)).ToString(CultureInfo.InvariantCulture)}";
        return Math.Log2(field.M / share);
    }

    private static FieldComparison BirthDate(MatchKeys a, MatchKeys b, MatchWeights w)
    {
        if (a.BirthDate is not { } x || b.BirthDate is not { } y)
        {
            return Missing(MatchFields.BirthDate);
        }

        if (x == y)
        {
            return Agree(MatchFields.BirthDate, w.BirthDate);
        }

        if (x.Year == y.Year && x.Month == y.Day && x.Day == y.Month)
        {
            return Partial(MatchFields.BirthDate, w.Partial.BirthDateTransposed, "day and month transposed");
        }

        if (DigitsApart(x.ToString("yyyyMMdd", CultureInfo.InvariantCulture), y.ToString("yyyyMMdd", CultureInfo.InvariantCulture)) == 1)
        {
            return Partial(MatchFields.BirthDate, w.Partial.BirthDateOneDigit, "one digit differs");
        }

        return Math.Abs(x.Year - y.Year) >= w.BirthYearsFarApart
            ? new FieldComparison(MatchFields.BirthDate, FieldOutcomes.Disagree, w.BirthDateFarApart, $"{w.BirthYearsFarApart}+ years apart")
            : Disagree(MatchFields.BirthDate, w.BirthDate);
    }

    private static FieldComparison Sex(MatchKeys a, MatchKeys b, MatchWeights w) =>
        a.Sex is "male" or "female" && b.Sex is "male" or "female"
            ? a.Sex == b.Sex ? Agree(MatchFields.Sex, w.Sex) : Disagree(MatchFields.Sex, w.Sex)
            : Missing(MatchFields.Sex);

    private static FieldComparison Ssn(MatchKeys a, MatchKeys b, MatchWeights w)
    {
        if (a.Ssn is not null && b.Ssn is not null)
        {
            return a.Ssn == b.Ssn ? Agree(MatchFields.Ssn, w.Ssn)
                : DigitsApart(a.Ssn, b.Ssn) == 1 ? Partial(MatchFields.Ssn, w.Partial.SsnOneDigit, "one digit differs")
                : Disagree(MatchFields.Ssn, w.Ssn);
        }

        if (a.SsnLast4 is not null && b.SsnLast4 is not null)
        {
            return a.SsnLast4 == b.SsnLast4
                ? Partial(MatchFields.Ssn, w.Partial.SsnLast4, "last four digits only")
                : Disagree(MatchFields.Ssn, w.Ssn);
        }

        return Missing(MatchFields.Ssn);
    }

    private static FieldComparison Identifier(MatchKeys a, MatchKeys b, MatchWeights w)
    {
        if (a.Identifiers.Length == 0 || b.Identifiers.Length == 0)
        {
            return Missing(MatchFields.Identifier);
        }

        if (a.Identifiers.Intersect(b.Identifiers, StringComparer.Ordinal).Any())
        {
            return Agree(MatchFields.Identifier, w.Identifier);
        }

        // Only identifiers of one system can disagree: a driver's licence says nothing against a passport.
        static string System(string identifier) => identifier.Split('|')[0];
        return a.Identifiers.Select(System).Intersect(b.Identifiers.Select(System), StringComparer.Ordinal).Any()
            ? Disagree(MatchFields.Identifier, w.Identifier)
            : Missing(MatchFields.Identifier);
    }

    private static FieldComparison Exact(string field, string? a, string? b, FieldWeight weight) =>
        a is null || b is null ? Missing(field) : a == b ? Agree(field, weight) : Disagree(field, weight);

    private static int DigitsApart(string a, string b) =>
        a.Length != b.Length ? int.MaxValue : a.Zip(b).Count(p => p.First != p.Second);

    private static string[] Words(string? value) => value?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    private static string Format(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static FieldComparison Agree(string field, FieldWeight weight) => new(field, FieldOutcomes.Agree, weight.Agreement);

    private static FieldComparison Disagree(string field, FieldWeight weight) => new(field, FieldOutcomes.Disagree, weight.Disagreement);

    private static FieldComparison Partial(string field, double weight, string note) => new(field, FieldOutcomes.Partial, weight, note);

    private static FieldComparison Missing(string field) => new(field, FieldOutcomes.Missing, 0);
}
