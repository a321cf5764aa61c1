using System.Text.Json;
using System.Text.Json.Serialization;

namespace HimPortal.Application.Patients.Matching;

/// <summary>
/// One field's Fellegi–Sunter probabilities: <see cref="M"/> = P(the field agrees | the records are one person),
/// <see cref="U"/> = P(it agrees by chance | two different people). Agreement adds log2(m/u) bits, disagreement
/// log2((1−m)/(1−u)) (negative). Defaults and their reasons: docs/adr/0029-mpi-fellegi-sunter-matching-blocked-by-index-look-ups.md.
/// </summary>
public sealed record FieldWeight(double M, double U)
{
    [JsonIgnore]
    public double Agreement => Math.Log2(M / U);

    [JsonIgnore]
    public double Disagreement => Math.Log2((1 - M) / (1 - U));
}

/// <summary>Bits added for a partial agreement (a level between agreement and disagreement), per kind of near miss.</summary>
public sealed record PartialWeights
{
    public double Nickname { get; init; } = 5;

    /// <summary>Given names that sound alike (double metaphone) but are spelled differently.</summary>
    public double GivenPhonetic { get; init; } = 4;

    /// <summary>Given names with Jaro–Winkler ≥ 0.9 (a typo).</summary>
    public double GivenTypo { get; init; } = 4;

    /// <summary>One record's given name is the other's middle name, or its initial.</summary>
    public double GivenMiddleOrInitial { get; init; } = 2;

    /// <summary>A shared part of a hyphenated or two-part family name, or a maiden/former name.</summary>
    public double FamilyPart { get; init; } = 5;

    public double FamilyPhonetic { get; init; } = 5;

    public double FamilyTypo { get; init; } = 5;

    /// <summary>Given and family names swapped: this much for each of the two fields.</summary>
    public double Swapped { get; init; } = 5;

    /// <summary>Day and month transposed (03/04 for 04/03).</summary>
    public double BirthDateTransposed { get; init; } = 7;

    /// <summary>One digit of the birth date wrong.</summary>
    public double BirthDateOneDigit { get; init; } = 6;

    /// <summary>Only the last four digits of the SSN on one side or both, and they agree.</summary>
    public double SsnLast4 { get; init; } = 8;

    /// <summary>Full SSNs one digit apart.</summary>
    public double SsnOneDigit { get; init; } = 6;
}

/// <summary>
/// The matcher's configuration stored as JSON on <c>mpi.match_settings.weights</c> (managers change it on /Mpi/Settings).
/// The defaults are documented in docs/adr/0029-mpi-fellegi-sunter-matching-blocked-by-index-look-ups.md.
/// </summary>
public sealed record MatchWeights
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public FieldWeight Given { get; init; } = new(0.97, 0.005);

    public FieldWeight Family { get; init; } = new(0.90, 0.002);

    public FieldWeight BirthDate { get; init; } = new(0.95, 0.00005);

    public FieldWeight Sex { get; init; } = new(0.98, 0.5);

    public FieldWeight Ssn { get; init; } = new(0.98, 0.000001);

    public FieldWeight Address { get; init; } = new(0.70, 0.001);

    public FieldWeight Phone { get; init; } = new(0.70, 0.0005);

    public FieldWeight Email { get; init; } = new(0.60, 0.0001);

    /// <summary>An identifier of another facility or agency (same system): agreement is near proof, disagreement strong evidence against.</summary>
    public FieldWeight Identifier { get; init; } = new(0.95, 0.0000001);

    public PartialWeights Partial { get; init; } = new();

    /// <summary>Birth dates this many years or more apart (father and son) weigh <see cref="BirthDateFarApart"/>, not the plain disagreement.</summary>
    public int BirthYearsFarApart { get; init; } = 15;

    public double BirthDateFarApart { get; init; } = -10;

    /// <summary>
    /// The most that address, phone and e-mail together add: they describe a household, not a person, and are not
    /// independent of one another (the Fellegi–Sunter assumption fails for them).
    /// </summary>
    public double HouseholdCap { get; init; } = 12;

    /// <summary>
    /// log2 of the prior odds that a blocked pair is one person: the probability is 1 / (1 + 2^−(weight + prior)), so a
    /// pair needs about 22 bits of evidence to be an even bet.
    /// </summary>
    public double PriorLog2Odds { get; init; } = -22;

    /// <summary>Below this many records the name frequencies say nothing yet and the fields' own u is used.</summary>
    public int FrequencyMinimumRecords { get; init; } = 1000;

    /// <summary>Temporary names (whole words of "given family"): such a record is never auto-linked.</summary>
    public IReadOnlyList<string> TemporaryNames { get; init; } =
        ["baby girl", "baby boy", "babygirl", "babyboy", "newborn", "infant", "unknown", "unidentified", "trauma", "john doe", "jane doe"];

    public static MatchWeights Default { get; } = new();

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static MatchWeights FromJson(string? json) =>
        string.IsNullOrWhiteSpace(json) || json.Trim() == "{}" ? Default : JsonSerializer.Deserialize<MatchWeights>(json, Json) ?? Default;

    /// <summary>The fields with their m and u, in the order the settings page lists them.</summary>
    public IEnumerable<(string Field, FieldWeight Weight)> Fields()
    {
        yield return (MatchFields.Given, Given);
        yield return (MatchFields.Family, Family);
        yield return (MatchFields.BirthDate, BirthDate);
        yield return (MatchFields.Sex, Sex);
        yield return (MatchFields.Ssn, Ssn);
        yield return (MatchFields.Address, Address);
        yield return (MatchFields.Phone, Phone);
        yield return (MatchFields.Email, Email);
        yield return (MatchFields.Identifier, Identifier);
    }

    /// <summary>A copy with one field's m and u replaced.</summary>
    public MatchWeights With(string field, FieldWeight weight) => field switch
    {
        MatchFields.Given => this with { Given = weight },
        MatchFields.Family => this with { Family = weight },
        MatchFields.BirthDate => this with { BirthDate = weight },
        MatchFields.Sex => this with { Sex = weight },
        MatchFields.Ssn => this with { Ssn = weight },
        MatchFields.Address => this with { Address = weight },
        MatchFields.Phone => this with { Phone = weight },
        MatchFields.Email => this with { Email = weight },
        MatchFields.Identifier => this with { Identifier = weight },
        _ => throw new ArgumentException($"No field '{field}'.", nameof(field)),
    };
}

/// <summary>The field names of <see cref="FieldComparison.Field"/>.</summary>
public static class MatchFields
{
    public const string Given = "given";
    public const string Family = "family";
    public const string BirthDate = "birth-date";
    public const string Sex = "sex";
    public const string Ssn = "ssn";
    public const string Address = "address";
    public const string Phone = "phone";
    public const string Email = "email";
    public const string Identifier = "identifier";
}
