using System.Globalization;
using System.Text.Json;
using HimPortal.Application.Clinical.ReferenceRanges;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Clinical;

public sealed class ReferenceRangeTableTests
{
    private const string Potassium = "6298-4";
    private const string PotassiumSerum = "2823-3";
    private const string Hemoglobin = "718-7";
    private const string AlkalinePhosphatase = "6768-6";

    // A ventilator setting Synthea files under laboratory: not a result, so it has no range (see the README).
    private const string FiO2Setting = "19994-3";

    private static readonly DateTimeOffset Drawn = new(2021, 7, 1, 9, 30, 0, TimeSpan.FromHours(2));
    private static readonly DateOnly AdultBorn = new(1970, 5, 1);
    private static readonly ReferenceRangeTable Ranges = ReferenceRangeTable.Labs;

    [Fact]
    public void The_embedded_table_loads_and_every_row_names_its_source()
    {
        Ranges.Rows.Count.ShouldBeGreaterThan(100);
        Ranges.Rows.ShouldAllBe(row => !string.IsNullOrWhiteSpace(row.Source));
    }

    [Theory]
    [InlineData(Potassium, 6.8, RangeFlag.CriticalHigh)]
    [InlineData(Potassium, 5.3, RangeFlag.High)]
    [InlineData(Potassium, 4.0, RangeFlag.Normal)]
    [InlineData(Potassium, 3.2, RangeFlag.Low)]
    [InlineData(Potassium, 2.1, RangeFlag.CriticalLow)]
    [InlineData(PotassiumSerum, 6.8, RangeFlag.CriticalHigh)]
    [InlineData(PotassiumSerum, 3.2, RangeFlag.Low)]
    public void Potassium_is_flagged_against_the_adult_range(string loinc, double value, RangeFlag expected)
    {
        var range = Ranges.Find(loinc, "mmol/L", "female", AdultBorn, Drawn);

        ReferenceRangeTable.Flag(range, (decimal)value).ShouldBe(expected);
    }

    [Theory]
    [InlineData("male", RangeFlag.Low)]
    [InlineData("female", RangeFlag.Normal)]
    public void Hemoglobin_of_13_is_low_for_a_man_and_normal_for_a_woman(string sex, RangeFlag expected)
    {
        var range = Ranges.Find(Hemoglobin, "g/dL", sex, AdultBorn, Drawn);

        range.ShouldNotBeNull().Sex.ShouldBe(sex == "male" ? "M" : "F");
        ReferenceRangeTable.Flag(range, 13.0m).ShouldBe(expected);
    }

    [Fact]
    public void Other_and_unknown_sex_get_the_any_sex_row()
    {
        Ranges.Find(Hemoglobin, "g/dL", "unknown", AdultBorn, Drawn).ShouldNotBeNull().Sex.ShouldBeNull();
        Ranges.Find(Hemoglobin, "g/dL", "other", AdultBorn, Drawn).ShouldNotBeNull().Sex.ShouldBeNull();
        Ranges.Find(Hemoglobin, "g/dL", null, AdultBorn, Drawn).ShouldNotBeNull().Sex.ShouldBeNull();
    }

    [Fact]
    public void A_child_gets_the_child_row_rather_than_the_adult_one()
    {
        var eightYearOld = new DateOnly(2013, 3, 1);

        var child = Ranges.Find(AlkalinePhosphatase, "U/L", "male", eightYearOld, Drawn).ShouldNotBeNull();
        var adult = Ranges.Find(AlkalinePhosphatase, "U/L", "male", AdultBorn, Drawn).ShouldNotBeNull();

        child.AgeMaxMonths.ShouldNotBeNull().ShouldBeLessThanOrEqualTo(18 * 12);
        adult.AgeMinMonths.ShouldBe(18 * 12);
        ReferenceRangeTable.Flag(child, 300m).ShouldBe(RangeFlag.Normal);
        ReferenceRangeTable.Flag(adult, 300m).ShouldBe(RangeFlag.High);
    }

    [Fact]
    public void Age_is_counted_in_whole_years_at_the_time_of_the_sample()
    {
        var born = new DateOnly(2015, 7, 2);

        // Turns 6 the day after the sample: still in the 2-6 band.
        var range = Ranges.Find(Hemoglobin, "g/dL", "female", born, Drawn).ShouldNotBeNull();

        range.AgeMinMonths.ShouldBe(2 * 12);
        range.AgeMaxMonths.ShouldBe(6 * 12);
    }

    [Fact]
    public void A_different_unit_finds_no_range_rather_than_a_wrong_one()
    {
        Ranges.Find(Potassium, "mg/dL", "male", AdultBorn, Drawn).ShouldBeNull();
        Ranges.Find(Potassium, "mmol/l", "male", AdultBorn, Drawn).ShouldBeNull();
        Ranges.Find(Potassium, null, "male", AdultBorn, Drawn).ShouldBeNull();
    }

    [Fact]
    public void An_unknown_loinc_finds_no_range()
    {
        Ranges.Find("99999-9", "mmol/L", "male", AdultBorn, Drawn).ShouldBeNull();
    }

    [Fact]
    public void Without_a_birth_date_only_rows_for_any_age_apply()
    {
        Ranges.Find(Hemoglobin, "g/dL", "male", null, Drawn).ShouldBeNull();
        Ranges.Find(Potassium, "mmol/L", "male", null, Drawn).ShouldNotBeNull();
    }

    [Fact]
    public void No_range_or_no_value_gives_no_flag()
    {
        var range = Ranges.Find(Potassium, "mmol/L", "male", AdultBorn, Drawn);

        ReferenceRangeTable.Flag(null, 4.0m).ShouldBeNull();
        ReferenceRangeTable.Flag(range, null).ShouldBeNull();
    }

    [Fact]
    public void A_malformed_row_fails_the_load_with_its_line_number()
    {
        var csv = """
            loinc,display,unit,sex,age_min,age_max,low,high,critical_low,critical_high,source
            2951-2,Sodium,mmol/L,,,,135,145,120,160,MedlinePlus
            2823-3,Potassium,mmol/L,,,,3,7,five,6.5,MedlinePlus
            """;

        var error = Should.Throw<FormatException>(() => ReferenceRangeTable.Parse(new StringReader(csv), "test.csv"));

        error.Message.ShouldContain("test.csv line 3");
    }

    [Fact]
    public void Every_quantitative_lab_result_in_the_shared_Synthea_data_has_a_range()
    {
        var checkedResults = 0;
        var missing = new SortedSet<string>(StringComparer.Ordinal);

        foreach (var path in SyntheaData.PatientBundles())
        {
            using var bundle = JsonDocument.Parse(SyntheaData.ReadJson(path));
            var resources = bundle.RootElement.GetProperty("entry").EnumerateArray()
                .Select(entry => entry.GetProperty("resource"))
                .ToList();
            var patient = resources.Single(resource => resource.GetProperty("resourceType").GetString() == "Patient");
            var gender = patient.GetProperty("gender").GetString();
            var birthDate = DateOnly.Parse(patient.GetProperty("birthDate").GetString()!, CultureInfo.InvariantCulture);

            foreach (var lab in resources.Where(IsQuantitativeLab))
            {
                var loinc = lab.GetProperty("code").GetProperty("coding").EnumerateArray()
                    .First(coding => coding.GetProperty("system").GetString() == "http://loinc.org")
                    .GetProperty("code").GetString()!;
                if (loinc == FiO2Setting)
                    continue;

                var unit = lab.GetProperty("valueQuantity").GetProperty("code").GetString();
                var effective = DateTimeOffset.Parse(lab.GetProperty("effectiveDateTime").GetString()!, CultureInfo.InvariantCulture);
                checkedResults++;
                if (Ranges.Find(loinc, unit, gender, birthDate, effective) is null)
                    missing.Add($"{loinc} [{unit}] {gender} in {Path.GetFileName(path)}");
            }
        }

        checkedResults.ShouldBeGreaterThan(6000);
        missing.ShouldBeEmpty();
    }

    private static readonly ReferenceRangeTable Vitals = ReferenceRangeTable.VitalSigns;

    // Vital signs whose bands must run from birth with no gap: every age gets a range.
    private static readonly string[] FromBirth = ["8310-5", "8867-4", "9279-1", "2708-6", "59408-5", "2713-6", "8480-6"];

    [Fact]
    public void The_vital_sign_table_loads_and_every_row_names_its_source()
    {
        Vitals.Rows.Count.ShouldBeGreaterThan(90);
        Vitals.Rows.ShouldAllBe(row => !string.IsNullOrWhiteSpace(row.Source));
        Vitals.Rows.Select(row => row.Loinc).Intersect(Ranges.Rows.Select(row => row.Loinc)).ShouldBeEmpty("a test is flagged from one table");
    }

    [Fact]
    public void Vital_sign_age_bands_run_from_birth_without_a_gap()
    {
        foreach (var loinc in FromBirth)
        {
            var bands = Vitals.Rows.Where(row => row.Loinc == loinc && row.Sex is null).OrderBy(row => row.AgeMinMonths ?? 0).ToList();
            var from = 0;
            foreach (var band in bands)
            {
                (band.AgeMinMonths ?? 0).ShouldBe(from, $"{loinc}: a gap or an overlap at {from} months");
                from = band.AgeMaxMonths ?? int.MaxValue;
            }

            from.ShouldBe(int.MaxValue, $"{loinc}: no open-ended adult band");
        }
    }

    [Fact]
    public void Every_sex_specific_vital_sign_row_has_an_any_sex_row_for_its_band()
    {
        foreach (var row in Vitals.Rows.Where(row => row.Sex is not null))
        {
            Vitals.Rows.ShouldContain(other => other.Loinc == row.Loinc && other.Unit == row.Unit && other.Sex == null
                                               && other.AgeMinMonths == row.AgeMinMonths && other.AgeMaxMonths == row.AgeMaxMonths);
        }
    }

    [Fact]
    public void Ages_can_be_written_in_months()
    {
        var csv = """
            loinc,display,unit,sex,age_min,age_max,low,high,critical_low,critical_high,source
            8867-4,Heart rate,/min,,,1m,100,205,,,PALS
            8867-4,Heart rate,/min,,1m,1,100,180,,,PALS
            """;
        var table = ReferenceRangeTable.Parse(new StringReader(csv), "test.csv");
        var born = new DateOnly(2024, 1, 20);

        table.Find("8867-4", "/min", null, born, new DateTimeOffset(2024, 2, 19, 12, 0, 0, TimeSpan.Zero)).ShouldNotBeNull().High.ShouldBe(205m);
        table.Find("8867-4", "/min", null, born, new DateTimeOffset(2024, 2, 20, 12, 0, 0, TimeSpan.Zero)).ShouldNotBeNull().High.ShouldBe(180m);
        table.Find("8867-4", "/min", null, born, new DateTimeOffset(2025, 1, 20, 12, 0, 0, TimeSpan.Zero)).ShouldBeNull();
    }

    [Fact]
    public void Every_vital_sign_in_the_shared_Synthea_data_that_the_table_covers_at_that_age_finds_its_row()
    {
        var checkedResults = 0;
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in SyntheaData.PatientBundles())
        {
            using var bundle = JsonDocument.Parse(SyntheaData.ReadJson(path));
            var resources = bundle.RootElement.GetProperty("entry").EnumerateArray().Select(entry => entry.GetProperty("resource")).ToList();
            var patient = resources.Single(resource => resource.GetProperty("resourceType").GetString() == "Patient");
            var gender = patient.GetProperty("gender").GetString();
            var birthDate = DateOnly.Parse(patient.GetProperty("birthDate").GetString()!, CultureInfo.InvariantCulture);
            foreach (var vital in resources.Where(r => r.GetProperty("resourceType").GetString() == "Observation"))
            {
                var effective = DateTimeOffset.Parse(vital.GetProperty("effectiveDateTime").GetString()!, CultureInfo.InvariantCulture);
                var values = new List<JsonElement> { vital };
                if (vital.TryGetProperty("component", out var components))
                    values.AddRange(components.EnumerateArray());
                foreach (var value in values.Where(v => v.TryGetProperty("valueQuantity", out _)))
                {
                    var loinc = value.GetProperty("code").GetProperty("coding")[0].GetProperty("code").GetString()!;
                    if (!FromBirth.Contains(loinc))
                        continue;

                    var unit = value.GetProperty("valueQuantity").GetProperty("code").GetString();
                    checkedResults++;
                    if (Vitals.Find(loinc, unit, gender, birthDate, effective) is null)
                        missing.Add($"{loinc} [{unit}] {gender} in {Path.GetFileName(path)}");
                }
            }
        }

        checkedResults.ShouldBeGreaterThan(1500);
        missing.ShouldBeEmpty();
    }

    private static bool IsQuantitativeLab(JsonElement resource) =>
        resource.GetProperty("resourceType").GetString() == "Observation"
        && resource.TryGetProperty("valueQuantity", out _)
        && resource.TryGetProperty("category", out var categories)
        && categories.EnumerateArray()
            .SelectMany(category => category.TryGetProperty("coding", out var codings) ? codings.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Any(coding => coding.GetProperty("code").GetString() == "laboratory");
}
