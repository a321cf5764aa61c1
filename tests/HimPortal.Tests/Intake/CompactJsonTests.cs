using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HimPortal.Application.Intake.ImportBundles;

namespace HimPortal.Tests.Intake;

/// <summary>The canonical compact form that the record stores and hashes: same content, same bytes, whatever the serialiser.</summary>
public sealed class CompactJsonTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Minify(string json)
    {
        var source = Encoding.UTF8.GetBytes(json);
        var target = new byte[source.Length];
        return Encoding.UTF8.GetString(target, 0, CompactJson.Minify(source, target));
    }

    [Fact]
    public void Whitespace_between_tokens_goes_and_whitespace_in_strings_stays() =>
        Minify("{\n  \"name\" : [ \"Cortés  936\", 1.50e3 ,\ttrue, null ],\r\n  \"x\": {}\n}")
            .ShouldBe("{\"name\":[\"Cortés  936\",1.50e3,true,null],\"x\":{}}");

    [Fact]
    public void Escapes_are_written_the_one_way_JSON_needs()
    {
        Minify("""["Cort\u00e9s", "Cort\u00E9s", "Cortés"]""").ShouldBe("""["Cortés","Cortés","Cortés"]""");
        Minify("""["2021-07-10T10:00:00\u002B01:00", "a\/b", "\ud83d\ude00"]""").ShouldBe("""["2021-07-10T10:00:00+01:00","a/b","😀"]""");
        Minify("""["say \"hi\"", "back\\slash", "\u0022\u005C", "tab\tnew\u000Aline\u0001", "\ud83d alone"]""")
            .ShouldBe("""["say \"hi\"","back\\slash","\"\\","tab\tnew\nline\u0001","\ud83d alone"]""");
    }

    [Theory]
    [InlineData("[1 2]")]
    [InlineData("{\"a\": tr ue}")]
    [InlineData("[\"a\" \"b\"]")]
    [InlineData("[\"bad \\x escape\"]")]
    [InlineData("[\"short \\u12\"]")]
    public void Invalid_JSON_stays_invalid(string json)
    {
        Should.Throw<JsonException>(() => JsonDocument.Parse(json));
        Should.Throw<JsonException>(() => JsonDocument.Parse(Minify(json)));
    }

    [Fact]
    public void An_unclosed_string_is_reported() =>
        CompactJson.Minify("{\"a\": \"open"u8, new byte[16]).ShouldBe(-1);

    [Fact]
    public void Any_serialisation_of_a_bundle_gives_the_same_bytes_and_the_same_content()
    {
        var original = Infrastructure.SyntheaData.ReadJsonText(Infrastructure.SyntheaData.PatientBundle("8dd4ed1f-108e-64ad-ce09-926c83ce7f76"));
        var reserialised = JsonNode.Parse(original)!.ToJsonString(); // compact, with "é" and "+" escaped
        reserialised.ShouldContain("\\u002B");
        Minify(reserialised).ShouldBe(Minify(original));
        JsonNode.DeepEquals(JsonNode.Parse(Minify(original)), JsonNode.Parse(original)).ShouldBeTrue();
        Minify(original).ShouldBe(JsonSerializer.Serialize(JsonNode.Parse(original), Relaxed));
    }
}
