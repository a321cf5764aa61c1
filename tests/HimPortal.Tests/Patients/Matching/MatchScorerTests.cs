using System.Text.Json;
using HimPortal.Application.Patients.Matching;
using HimPortal.Data.Mpi;

namespace HimPortal.Tests.Patients.Matching;

/// <summary>
/// The scorer on its own (issue 16 item 1): each kind of error a duplicate carries reaches the worklist or a link, and
/// the hard non-duplicates (twins, Jr./Sr., common names) stay below auto-link, twins below review.
/// </summary>
public sealed class MatchScorerTests
{
    private static readonly MatchConfiguration Settings = MatchConfiguration.Default;

    private static MatchKeys Person(
        string? given = "Margaret", string? family = "Johnson", string? birth = "1980-04-03", string? sex = "female", string? middle = null,
        string? maiden = null, string? ssn = null, string? phone = null, string? street = null, string? postal = null, string[]? identifiers = null,
        string? givenPhonetic = null, string? familyPhonetic = null)
    {
        var names = new List<object> { new { use = "official", family, given = middle is null ? new[] { given } : [given, middle] } };
        if (maiden is not null)
        {
            names.Add(new { use = "maiden", family = maiden, given = new[] { given } });
        }

        var ids = new List<string>(identifiers ?? []);
        if (ssn is not null)
        {
            ids.Add("SS|http://hl7.org/fhir/sid/us-ssn|" + ssn);
        }

        var keys = MatchKeysRefresh.Keys(new MatchKeysRefresh.PatientRow(
            Guid.NewGuid(), family, given, "MRN-" + Guid.NewGuid().ToString("N")[..6], birth is null ? null : DateOnly.Parse(birth, System.Globalization.CultureInfo.InvariantCulture),
            sex, street, "Boston", postal, phone, JsonSerializer.Serialize(names), null, [.. ids]), MatchWeights.Default.TemporaryNames);
        keys.GivenPhonetic = givenPhonetic;
        keys.FamilyPhonetic = familyPhonetic;
        return keys;
    }

    private static MatchResult Score(MatchKeys a, MatchKeys b) => MatchScorer.Score(a, b, MatchWeights.Default, NameCounts.None);

    private static FieldComparison Field(MatchResult result, string field) => result.Fields.Single(f => f.Field == field);

    [Fact]
    public void The_same_name_birth_date_and_sex_reach_auto_link_and_the_explanation_holds_no_values()
    {
        var result = Score(Person(), Person());
        result.Score.ShouldBeGreaterThanOrEqualTo(Settings.AutoLinkThreshold);
        result.Explanation.ShouldNotContain("margaret", Case.Insensitive);
        result.Explanation.ShouldNotContain("1980");
    }

    public static TheoryData<string, MatchKeys, MatchKeys, string, string> Duplicates() => new()
    {
        { "nickname", Person(given: "Peggy"), Person(), MatchFields.Given, FieldOutcomes.Partial },
        { "phonetic misspelling", Person(given: "Kathryn", givenPhonetic: "K0RN"), Person(given: "Catherine", givenPhonetic: "K0RN"), MatchFields.Given, FieldOutcomes.Partial },
        { "typo", Person(given: "Margret"), Person(), MatchFields.Given, FieldOutcomes.Partial },
        { "hyphenated family name", Person(family: "Johnson-Smith"), Person(), MatchFields.Family, FieldOutcomes.Partial },
        { "two-part family name", Person(family: "Garcia Lopez"), Person(family: "Lopez"), MatchFields.Family, FieldOutcomes.Partial },
        { "maiden and married name", Person(family: "Smith", maiden: "Johnson"), Person(), MatchFields.Family, FieldOutcomes.Partial },
        { "given and family swapped", Person(given: "Johnson", family: "Margaret"), Person(), MatchFields.Given, FieldOutcomes.Partial },
        { "day and month transposed", Person(birth: "1980-03-04"), Person(), MatchFields.BirthDate, FieldOutcomes.Partial },
        { "one digit of the birth date wrong", Person(birth: "1980-04-08"), Person(), MatchFields.BirthDate, FieldOutcomes.Partial },
        { "SSN last four only", Person(birth: null, ssn: "xxx-xx-4593"), Person(birth: null, ssn: "999-51-4593"), MatchFields.Ssn, FieldOutcomes.Partial },
        { "address normalised", Person(birth: null, street: "12 North Main Street, Apt. 4", postal: "02118-1234"), Person(birth: null, street: "12 N Main St Apt 4", postal: "02118"), MatchFields.Address, FieldOutcomes.Agree },
        { "phone formats", Person(birth: null, phone: "+1 (617) 555-1234"), Person(birth: null, phone: "617.555.1234"), MatchFields.Phone, FieldOutcomes.Agree },
        { "identifier of another facility", Person(given: "Maggie", birth: null, identifiers: ["MR|urn:other-hospital|A-77"]), Person(birth: null, identifiers: ["MR|urn:other-hospital|A-77"]), MatchFields.Identifier, FieldOutcomes.Agree },
    };

    [Theory]
    [MemberData(nameof(Duplicates))]
    public void Each_kind_of_error_reaches_the_worklist_or_a_link(string kind, MatchKeys a, MatchKeys b, string field, string outcome)
    {
        var result = Score(a, b);
        Field(result, field).Outcome.ShouldBe(outcome, kind);
        result.Score.ShouldBeGreaterThanOrEqualTo(Settings.ReviewThreshold, kind);
        Score(b, a).Score.ShouldBe(result.Score, kind);
    }

    [Fact]
    public void Twins_stay_below_review_whatever_their_sexes()
    {
        var household = (street: "12 Main St", postal: "02118", phone: "6175551234");
        var sister = Person(given: "Margaret", street: household.street, postal: household.postal, phone: household.phone);
        var twinSister = Person(given: "Elizabeth", street: household.street, postal: household.postal, phone: household.phone);
        var twinBrother = Person(given: "Robert", sex: "male", street: household.street, postal: household.postal, phone: household.phone);

        Score(sister, twinSister).Score.ShouldBeLessThan(Settings.ReviewThreshold);
        Score(sister, twinBrother).Score.ShouldBeLessThan(Settings.ReviewThreshold);
        Field(Score(sister, twinSister), MatchFields.Family).Weight.ShouldBe(0);
    }

    [Fact]
    public void A_father_and_his_junior_stay_below_auto_link_and_review()
    {
        var father = Person(given: "Robert", family: "Smith", sex: "male", birth: "1950-06-01", street: "5 Elm St", postal: "02118", phone: "6175550000", middle: "James");
        var son = Person(given: "Robert", family: "Smith", sex: "male", birth: "1978-09-12", street: "5 Elm St", postal: "02118", phone: "6175550000", middle: "James");
        var result = Score(father, son);
        result.Score.ShouldBeLessThan(Settings.ReviewThreshold);
        Field(result, MatchFields.BirthDate).Outcome.ShouldBe(FieldOutcomes.Disagree);
    }

    [Fact]
    public void Very_common_names_with_different_birth_dates_are_never_auto_linked()
    {
        var counts = new NameCounts(new Dictionary<(string, string), int> { [("given", "john")] = 3300, [("family", "smith")] = 1000 }, 100_000);
        var a = Person(given: "John", family: "Smith", sex: "male", birth: "1970-01-15");
        foreach (var birth in new[] { "1975-06-20", "1971-01-15", "1990-11-02" })
        {
            MatchScorer.Score(a, Person(given: "John", family: "Smith", sex: "male", birth: birth), MatchWeights.Default, counts).Score
                .ShouldBeLessThan(Settings.AutoLinkThreshold, birth);
        }
    }

    [Fact]
    public void Agreeing_on_a_common_family_name_is_worth_less_than_on_a_rare_one()
    {
        var counts = new NameCounts(new Dictionary<(string, string), int> { [("family", "smith")] = 1000, [("family", "przybylski")] = 2 }, 100_000);
        var smith = MatchScorer.Score(Person(family: "Smith"), Person(family: "Smith"), MatchWeights.Default, counts);
        var przybylski = MatchScorer.Score(Person(family: "Przybylski"), Person(family: "Przybylski"), MatchWeights.Default, counts);
        Field(smith, MatchFields.Family).Weight.ShouldBeLessThan(Field(przybylski, MatchFields.Family).Weight);
        Field(smith, MatchFields.Family).Note.ShouldBe("name frequency: 1 record in 100");
    }

    [Fact]
    public void Thresholds_divide_scores_into_link_review_and_nothing()
    {
        var weights = MatchWeights.Default;
        MatchScorer.Probability(MatchScorer.WeightFor(Settings.AutoLinkThreshold, weights) + 0.1, weights).ShouldBeGreaterThanOrEqualTo(Settings.AutoLinkThreshold);
        var between = MatchScorer.Probability(MatchScorer.WeightFor(Settings.ReviewThreshold, weights) + 1, weights);
        between.ShouldBeGreaterThanOrEqualTo(Settings.ReviewThreshold);
        between.ShouldBeLessThan(Settings.AutoLinkThreshold);
        MatchScorer.Probability(MatchScorer.WeightFor(Settings.ReviewThreshold, weights) - 1, weights).ShouldBeLessThan(Settings.ReviewThreshold);
    }

    [Fact]
    public void Normalisation_handles_accents_nicknames_phones_and_temporary_names()
    {
        MatchNormaliser.Name("Cortés936").ShouldBe("cortes");
        MatchNormaliser.Name("O'Brien").ShouldBe("obrien");
        MatchNormaliser.Canonical("bill").ShouldBe("william");
        MatchNormaliser.Canonical("peggy").ShouldBe("margaret");
        MatchNormaliser.AreNicknames("bob", "robbie").ShouldBeTrue();
        MatchNormaliser.Phone("1-617-555-1234").ShouldBe("6175551234");
        MatchNormaliser.Phone("555-1234").ShouldBeNull();
        MatchNormaliser.Street("100 West Elm Avenue").ShouldBe("100 w elm ave");
        MatchNormaliser.IsTemporary("Baby Girl", "Jones", MatchWeights.Default.TemporaryNames).ShouldBeTrue();
        MatchNormaliser.IsTemporary("Trauma", "Zulu", MatchWeights.Default.TemporaryNames).ShouldBeTrue();
        MatchNormaliser.IsTemporary("John", "Doe", MatchWeights.Default.TemporaryNames).ShouldBeTrue();
        MatchNormaliser.IsTemporary("Babette", "Girling", MatchWeights.Default.TemporaryNames).ShouldBeFalse();
        JaroWinkler.Similarity("martha", "marhta").ShouldBe(0.961, 0.001);
    }

    [Fact]
    public void Weights_round_trip_as_json_and_the_defaults_are_ordered()
    {
        var weights = MatchWeights.FromJson(MatchWeights.Default.ToJson());
        weights.ShouldBe(MatchWeights.Default with { TemporaryNames = weights.TemporaryNames, Partial = weights.Partial });
        weights.Fields().ShouldAllBe(f => f.Weight.U < f.Weight.M && f.Weight.Agreement > 0 && f.Weight.Disagreement < 0);
    }
}
