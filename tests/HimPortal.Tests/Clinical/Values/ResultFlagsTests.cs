using System.Globalization;
using HimPortal.Application.Clinical.Values;

namespace HimPortal.Tests.Clinical.Values;

/// <summary>Vital signs and labs flagged from the reference tables, by age band (and sex where it matters).</summary>
public sealed class ResultFlagsTests
{
    private const string Temperature = "8310-5";
    private const string HeartRate = "8867-4";
    private const string RespiratoryRate = "9279-1";
    private const string OxygenSaturation = "2708-6";
    private const string PulseOximetry = "59408-5";

    private static readonly DateTimeOffset Taken = new(2024, 3, 15, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A patient of this age (in months) on the day the result was taken.</summary>
    private static ResultSubject Aged(int months, string? sex = "female") =>
        new(sex, DateOnly.FromDateTime(Taken.UtcDateTime).AddMonths(-months));

    private static string? Flag(string code, string unit, string value, ResultSubject who) =>
        ResultFlags.Interpret(code, unit, decimal.Parse(value, CultureInfo.InvariantCulture), who, Taken)?.Flag;

    [Theory]
    [InlineData(OxygenSaturation, "82")]
    [InlineData(PulseOximetry, "82")]
    [InlineData("2713-6", "82")]
    public void An_oxygen_saturation_of_82_percent_is_critical_at_any_age(string code, string value)
    {
        foreach (var months in new[] { 2, 30, 120, 40 * 12 })
            Flag(code, "%", value, Aged(months)).ShouldBe(ResultFlags.CriticalLow, $"{months} months");
    }

    [Theory]
    [InlineData("97", ResultFlags.Normal)]
    [InlineData("93", ResultFlags.Low)]
    [InlineData("91", ResultFlags.CriticalLow)]
    public void Oxygen_saturation_in_an_adult(string value, string expected) =>
        Flag(OxygenSaturation, "%", value, Aged(40 * 12)).ShouldBe(expected);

    [Theory]
    [InlineData("40.042", ResultFlags.High)]
    [InlineData("37.0", ResultFlags.Normal)]
    [InlineData("35.6", ResultFlags.Low)]
    [InlineData("34.8", ResultFlags.CriticalLow)]
    [InlineData("42.1", ResultFlags.CriticalHigh)]
    public void An_adult_temperature(string value, string expected) =>
        Flag(Temperature, "Cel", value, Aged(50 * 12)).ShouldBe(expected);

    [Fact]
    public void A_temperature_is_flagged_as_reported_not_on_digits_nobody_sees()
    {
        // 38.04 reads 38.0 °C, the top of normal; 38.06 reads 38.1 °C.
        Flag(Temperature, "Cel", "38.04", Aged(50 * 12)).ShouldBe(ResultFlags.Normal);
        Flag(Temperature, "Cel", "38.06", Aged(50 * 12)).ShouldBe(ResultFlags.High);
    }

    [Fact]
    public void A_fever_in_an_infant_under_three_months_is_critical_and_in_a_child_is_high()
    {
        Flag(Temperature, "Cel", "38.2", Aged(2)).ShouldBe(ResultFlags.CriticalHigh);
        Flag(Temperature, "Cel", "38.2", Aged(4 * 12)).ShouldBe(ResultFlags.High);
        Flag(Temperature, "Cel", "38.2", Aged(40 * 12)).ShouldBe(ResultFlags.High);
    }

    [Theory]
    [InlineData(0, ResultFlags.Normal)] // a neonate: up to 205
    [InlineData(6, ResultFlags.High)] // an infant: up to 180
    [InlineData(10 * 12, ResultFlags.CriticalHigh)] // a school-age child: probable SVT from 180
    [InlineData(40 * 12, ResultFlags.CriticalHigh)] // an adult: NEWS2 red from 131
    public void A_heart_rate_of_195_by_age_band(int months, string expected) =>
        Flag(HeartRate, "/min", "195", Aged(months)).ShouldBe(expected);

    [Theory]
    [InlineData(6, ResultFlags.Normal)] // an infant: 30-53
    [InlineData(4 * 12, ResultFlags.High)] // a preschooler: 20-28
    [InlineData(40 * 12, ResultFlags.CriticalHigh)] // an adult: NEWS2 red from 25
    public void A_respiratory_rate_of_40_by_age_band(int months, string expected) =>
        Flag(RespiratoryRate, "/min", "40", Aged(months)).ShouldBe(expected);

    [Fact]
    public void A_heart_rate_of_55_is_normal_for_no_child_and_critical_for_an_infant()
    {
        Flag(HeartRate, "/min", "55", Aged(6)).ShouldBe(ResultFlags.CriticalLow);
        Flag(HeartRate, "/min", "55", Aged(40 * 12)).ShouldBe(ResultFlags.Low);
        Flag(HeartRate, "/min", "38", Aged(40 * 12)).ShouldBe(ResultFlags.CriticalLow);
    }

    [Theory]
    [InlineData("male", ResultFlags.High)] // boys: 100 or more at 2 (AAP 2017)
    [InlineData("female", ResultFlags.Normal)] // girls: 101 or more at 2
    [InlineData(null, ResultFlags.Normal)] // sex unknown: the wider of the two
    public void A_systolic_pressure_of_100_at_two_years_by_sex(string? sex, string expected) =>
        Flag(BloodPressure.Systolic, "mm[Hg]", "100", Aged(2 * 12 + 3, sex)).ShouldBe(expected);

    [Theory]
    [InlineData(5 * 12, "110", ResultFlags.High)] // AAP 2017: 103 or more for a boy of 5
    [InlineData(5 * 12, "78", ResultFlags.CriticalLow)] // PALS: below 70 + 2 x 5
    [InlineData(5 * 12, "95", ResultFlags.Normal)]
    [InlineData(40 * 12, "110", ResultFlags.Normal)]
    [InlineData(40 * 12, "125", ResultFlags.High)] // ACC/AHA 2017: elevated from 120
    [InlineData(40 * 12, "185", ResultFlags.CriticalHigh)] // hypertensive crisis above 180
    [InlineData(40 * 12, "85", ResultFlags.CriticalLow)] // below 90
    public void A_systolic_pressure_by_age_band(int months, string value, string expected) =>
        Flag(BloodPressure.Systolic, "mm[Hg]", value, Aged(months, "male")).ShouldBe(expected);

    [Fact]
    public void A_diastolic_pressure_is_flagged_against_its_own_rows()
    {
        Flag(BloodPressure.Diastolic, "mm[Hg]", "77", Aged(40 * 12)).ShouldBe(ResultFlags.Normal);
        Flag(BloodPressure.Diastolic, "mm[Hg]", "95", Aged(40 * 12)).ShouldBe(ResultFlags.High);
        Flag(BloodPressure.Diastolic, "mm[Hg]", "125", Aged(40 * 12)).ShouldBe(ResultFlags.CriticalHigh);
        Flag(BloodPressure.Diastolic, "mm[Hg]", "70", Aged(5 * 12, "male")).ShouldBe(ResultFlags.High);
    }

    [Fact]
    public void The_reference_range_comes_with_the_flag()
    {
        var read = ResultFlags.Interpret(HeartRate, "/min", 72m, Aged(40 * 12), Taken).ShouldNotBeNull();

        (read.Flag, read.Range.Low, read.Range.High).ShouldBe((ResultFlags.Normal, 60m, 100m));
        read.Range.Source.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Labs_are_flagged_through_the_same_door()
    {
        Flag("6298-4", "mmol/L", "6.8", Aged(40 * 12)).ShouldBe(ResultFlags.CriticalHigh);
        // Glucose 99.4 reads 99 mg/dL: normal (below 100), as the lab would report it.
        Flag("2339-0", "mg/dL", "99.4", Aged(40 * 12)).ShouldBe(ResultFlags.Normal);
    }

    [Fact]
    public void No_row_no_value_no_age_or_a_different_unit_gives_no_flag()
    {
        ResultFlags.Interpret(HeartRate, "/min", null, Aged(40 * 12), Taken).ShouldBeNull();
        Flag("29463-7", "kg", "70", Aged(40 * 12)).ShouldBeNull(); // body weight has no normal range
        Flag(Temperature, "[degF]", "104", Aged(40 * 12)).ShouldBeNull();
        ResultFlags.Interpret(HeartRate, "/min", 195m, new ResultSubject("male", null), Taken).ShouldBeNull();
        ResultFlags.Interpret(HeartRate, "/min", 195m, Aged(40 * 12), null).ShouldBeNull();
    }

    [Fact]
    public void A_panel_shows_its_worst_component()
    {
        ResultFlags.Worst([ResultFlags.Normal, ResultFlags.CriticalHigh, ResultFlags.High]).ShouldBe(ResultFlags.CriticalHigh);
        ResultFlags.Worst([null, ResultFlags.Low, ResultFlags.Normal]).ShouldBe(ResultFlags.Low);
        ResultFlags.Worst([null, null]).ShouldBeNull();
    }
}
