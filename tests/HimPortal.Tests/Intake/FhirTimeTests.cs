using System.Globalization;
using HimPortal.Application.Intake.ImportBundles;

namespace HimPortal.Tests.Intake;

/// <summary>The import's direct reader of FHIR dateTimes gives exactly what the general parser gives, or leaves it to it.</summary>
public sealed class FhirTimeTests
{
    [Theory]
    [InlineData("2021-07-10T10:00:00+01:00")]
    [InlineData("1929-03-21T04:11:27+02:00")]
    [InlineData("2021-07-10T23:59:59Z")]
    [InlineData("2021-07-10T10:00:00.5-05:00")]
    [InlineData("2021-07-10T10:00:00.123+00:00")]
    [InlineData("2020-02-29T00:00:00.1234567+14:00")]
    [InlineData("0001-01-01T00:00:00+00:00")]
    [InlineData("2021-12-31T12:30:00-12:00")]
    public void Reads_the_usual_shape_as_the_general_parser_does(string text)
    {
        Fhir.TryParseInstant(text, out var fast).ShouldBeTrue();
        var general = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        (fast.UtcTicks, fast.Offset).ShouldBe((general.UtcTicks, general.Offset));
        Fhir.ParseTime(text).ShouldBe(general.ToUniversalTime());
    }

    [Theory]
    [InlineData("2021-07-10T10:00:00")]
    [InlineData("2021-07-10T10:00:00.12345678+01:00")]
    [InlineData("2021-02-30T10:00:00+01:00")]
    [InlineData("2021-07-10T24:00:00+01:00")]
    [InlineData("2021-07-10T10:00:60Z")]
    [InlineData("2021-07-10 10:00:00+01:00")]
    [InlineData("2021-07-10T10:00:00+1:00")]
    public void Leaves_anything_else_to_the_general_parser(string text) => Fhir.TryParseInstant(text, out _).ShouldBeFalse();
}
