using System.Text.Json;
using System.Text.Json.Serialization;

namespace HimPortal.Application.Patients.Matching;

/// <summary>How one field of two records compared.</summary>
public static class FieldOutcomes
{
    /// <summary>The values agree (exactly, or after normalisation).</summary>
    public const string Agree = "agree";

    /// <summary>Close but not equal: a nickname, a typo, a transposed day and month, a shared part of a family name.</summary>
    public const string Partial = "partial";

    public const string Disagree = "disagree";

    /// <summary>One record or both lack the field: weight 0.</summary>
    public const string Missing = "missing";
}

/// <summary>
/// One field's part of a match score, for the reviewer (issue 16 item 1: "explained to the reviewer field by field").
/// Holds no values of either record (the worklist shows those from the records themselves, so a stored explanation never
/// goes stale or copies a patient's data): the field, how it compared, its weight (log2 likelihood ratio: positive for
/// agreement, negative for disagreement) and a note in a reviewer's words ("nickname", "day and month transposed",
/// "Jaro–Winkler 0.94", "common name: 1 record in 120").
/// </summary>
/// <param name="Field">given, family, birth-date, sex, ssn, address, phone, email, identifier.</param>
public sealed record FieldComparison(string Field, string Outcome, double Weight, string? Note = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The JSON stored in <c>mpi.candidate_pairs.explanation</c>.</summary>
    public static string ToJson(IEnumerable<FieldComparison> fields) => JsonSerializer.Serialize(fields.ToList(), Json);

    public static IReadOnlyList<FieldComparison> FromJson(string json) =>
        string.IsNullOrWhiteSpace(json) ? [] : JsonSerializer.Deserialize<List<FieldComparison>>(json, Json) ?? [];
}
