using System.Text.Json;
using HimPortal.Application.Clinical.Values;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Clinical.Values;

/// <summary>How a value reads everywhere: units as people write them, the test's reporting precision, blood pressure by code.</summary>
public sealed class ClinicalValuesTests
{
    private const string Temperature = "8310-5";
    private const string HeartRate = "8867-4";
    private const string RespiratoryRate = "9279-1";
    private const string Erythrocytes = "789-8";
    private const string Potassium = "6298-4";

    [Theory]
    [InlineData(Temperature, "40.042", "Cel", "40.0 °C")]
    [InlineData(Temperature, "37", "Cel", "37.0 °C")]
    [InlineData(RespiratoryRate, "17.465", "/min", "17 breaths/min")]
    [InlineData(HeartRate, "88.5", "/min", "89 beats/min")]
    [InlineData(Erythrocytes, "5.2911", "10*6/uL", "5.29 ×10⁶/µL")]
    [InlineData("6690-2", "7.1234", "10*3/uL", "7.1 ×10³/µL")]
    [InlineData("2708-6", "82.4", "%", "82%")]
    [InlineData("39156-5", "27.456", "kg/m2", "27.5 kg/m²")]
    [InlineData("29463-7", "70", "kg", "70.0 kg")]
    [InlineData("8302-2", "172.31", "cm", "172.3 cm")]
    [InlineData(Potassium, "4", "mmol/L", "4.0 mmol/L")]
    [InlineData("2339-0", "99.4", "mg/dL", "99 mg/dL")]
    [InlineData("38483-4", "0.8712", "mg/dL", "0.87 mg/dL")]
    [InlineData("2276-4", "45.3", "ug/L", "45 µg/L")]
    [InlineData("33914-3", "87.04", "mL/min/{1.73_m2}", "87 mL/min/1.73 m²")]
    [InlineData("6301-6", "1.1234", "{INR}", "1.1")]
    [InlineData("2744-1", "7.4123", "[pH]", "7.41")]
    [InlineData("72514-3", "4", "{score}", "4")]
    [InlineData(BloodPressure.Systolic, "114", "mm[Hg]", "114 mmHg")]
    public void A_quantity_reads_with_its_units_as_written_and_at_its_reporting_precision(string code, string value, string unit, string expected) =>
        ClinicalValues.Quantity(code, decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), unit).ShouldBe(expected);

    [Theory]
    [InlineData("1234.567", "1235")]
    [InlineData("12.3456", "12.3")]
    [InlineData("2.5", "2.5")]
    [InlineData("2", "2")]
    [InlineData("0.012345", "0.0123")]
    [InlineData("-3.14159", "-3.14")]
    [InlineData("0", "0")]
    public void A_test_without_a_precision_keeps_three_significant_digits_and_adds_no_zeros(string value, string expected) =>
        ClinicalValues.Number("99999-9", decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(expected);

    [Fact]
    public void Reporting_rounds_half_away_from_zero_as_labs_do()
    {
        ClinicalValues.Reported(Temperature, 38.05m).ShouldBe(38.1m);
        ClinicalValues.Reported(Potassium, 4.45m).ShouldBe(4.5m);
        ClinicalValues.Number(HeartRate, 72.5m).ShouldBe("73");
    }

    [Fact]
    public void An_unknown_unit_is_shown_as_it_came_and_none_shows_nothing()
    {
        ClinicalValues.Quantity("99999-9", 3m, "furlong/fortnight").ShouldBe("3 furlong/fortnight");
        ClinicalValues.Quantity("99999-9", 3m, null).ShouldBe("3");
        ClinicalValues.Unit("99999-9", "/min").ShouldBe("/min");
    }

    [Fact]
    public void A_coded_or_text_result_reads_as_its_display()
    {
        ClinicalValues.Format("72166-2", null, null, "Never smoker", null).ShouldBe("Never smoker");
        ClinicalValues.Format("99999-9", null, null, null, "positive").ShouldBe("positive");
        ClinicalValues.Format("99999-9", null, null, null, null).ShouldBe("");
    }

    private static ComponentValue Systolic(decimal value) => new(BloodPressure.Systolic, "Systolic Blood Pressure", value, "mm[Hg]", null, null);

    private static ComponentValue Diastolic(decimal value) => new(BloodPressure.Diastolic, "Diastolic Blood Pressure", value, "mm[Hg]", null, null);

    [Fact]
    public void A_blood_pressure_is_systolic_over_diastolic_whatever_order_the_components_come_in()
    {
        // Synthea lists diastolic first: position gave "77/114".
        ClinicalValues.Panel([Diastolic(77), Systolic(114)]).ShouldBe("114/77 mmHg");
        ClinicalValues.Panel([Systolic(114), Diastolic(77)]).ShouldBe("114/77 mmHg");
        ClinicalValues.Panel([Diastolic(77.4m), new ComponentValue("8478-0", "Mean blood pressure", 89.3m, "mm[Hg]", null, null), Systolic(114.2m)])
            .ShouldBe("114/77 mmHg; Mean blood pressure: 89 mmHg");
    }

    [Fact]
    public void A_blood_pressure_with_one_pressure_names_it_and_one_in_other_units_states_each()
    {
        ClinicalValues.Panel([Systolic(114)]).ShouldBe("Systolic Blood Pressure: 114 mmHg");
        ClinicalValues.Panel([Diastolic(77), Systolic(114) with { Unit = "kPa" }]).ShouldBe("114 kPa/77 mmHg");
    }

    [Fact]
    public void Any_other_panel_names_each_component_rather_than_joining_numbers_with_slashes()
    {
        var survey = new ComponentValue[]
        {
            new("75893-8", "Pain on average", 3, "{score}", null, null),
            new("91145-3", "Pain interfered with enjoyment of life", 4, "{score}", null, null),
        };

        ClinicalValues.Panel(survey).ShouldBe("Pain on average: 3; Pain interfered with enjoyment of life: 4");
    }

    [Fact]
    public void Every_unit_in_the_shared_Synthea_data_has_a_written_form()
    {
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        var seen = 0;
        foreach (var observation in SyntheaObservations())
        {
            foreach (var quantity in Quantities(observation))
            {
                seen++;
                if (quantity.TryGetProperty("code", out var code) && !Units.IsKnown(code.GetString()!))
                    unknown.Add(code.GetString()!);
            }
        }

        seen.ShouldBeGreaterThan(10_000);
        unknown.ShouldBeEmpty();
    }

    [Fact]
    public void Every_numeric_test_in_the_shared_Synthea_data_has_a_reporting_precision()
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var observation in SyntheaObservations().Where(o => o.TryGetProperty("valueQuantity", out _)))
        {
            var code = Loinc(observation);
            if (!ReportingPrecision.Covers(code))
                missing.Add(code);
        }

        missing.ShouldBeEmpty();
    }

    [Fact]
    public void Every_Synthea_blood_pressure_lists_diastolic_first_so_order_can_never_stand_for_meaning()
    {
        // The data this was found on: if Synthea ever changed its order, the test above still holds, and this one tells.
        var panels = SyntheaObservations().Where(o => BloodPressure.IsPanel(Loinc(o))).ToList();

        panels.Count.ShouldBeGreaterThan(500);
        panels.ShouldAllBe(p => Loinc(p.GetProperty("component")[0]) == BloodPressure.Diastolic);
    }

    internal static IEnumerable<JsonElement> SyntheaObservations()
    {
        foreach (var path in SyntheaData.PatientBundles())
        {
            using var bundle = JsonDocument.Parse(SyntheaData.ReadJson(path));
            foreach (var entry in bundle.RootElement.GetProperty("entry").EnumerateArray())
            {
                var resource = entry.GetProperty("resource");
                if (resource.GetProperty("resourceType").GetString() == "Observation")
                    yield return resource.Clone();
            }
        }
    }

    internal static string Loinc(JsonElement coded) => coded.GetProperty("code").GetProperty("coding")[0].GetProperty("code").GetString()!;

    private static IEnumerable<JsonElement> Quantities(JsonElement observation)
    {
        if (observation.TryGetProperty("valueQuantity", out var value))
            yield return value;
        if (observation.TryGetProperty("component", out var components))
        {
            foreach (var component in components.EnumerateArray())
            {
                if (component.TryGetProperty("valueQuantity", out var part))
                    yield return part;
            }
        }
    }
}
