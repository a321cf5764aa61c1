using System.Globalization;

namespace HimPortal.Documents.CoverSheets;

/// <summary>
/// What a cover sheet's barcode carries: the patient (id and MRN), the encounter if one, and the document type's LOINC
/// code. The patient's name is printed on the sheet for the person who scans it, but kept out of the barcode: the
/// code is what the importer trusts, and both ids are checked against the database there (issue 15 item 4).
/// </summary>
public sealed record CoverSheetCode(Guid PatientId, string Mrn, Guid? EncounterId, string LoincCode)
{
    /// <summary>Marks HimPortal's own cover sheets, so that a stray barcode on an outside page is never taken for one.</summary>
    public const string Prefix = "HIMPORTAL-CS1";

    private const char Separator = '|';

    public string Encode()
    {
        Validate(Mrn, nameof(Mrn));
        Validate(LoincCode, nameof(LoincCode));
        return string.Join(Separator, Prefix, PatientId.ToString("N"), Mrn,
            EncounterId?.ToString("N") ?? string.Empty, LoincCode);
    }

    /// <summary>The code in a barcode's text, or null when the text is not a HimPortal cover sheet's.</summary>
    public static CoverSheetCode? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var parts = text.Split(Separator);
        if (parts.Length != 5 || parts[0] != Prefix
            || !Guid.TryParseExact(parts[1], "N", out var patientId)
            || parts[2].Length == 0 || parts[4].Length == 0)
        {
            return null;
        }

        Guid? encounterId = null;
        if (parts[3].Length > 0)
        {
            if (!Guid.TryParseExact(parts[3], "N", out var parsed))
            {
                return null;
            }

            encounterId = parsed;
        }

        return new CoverSheetCode(patientId, parts[2], encounterId, parts[4]);
    }

    private static void Validate(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Contains(Separator, StringComparison.Ordinal)
            || value.Any(c => c < ' ' || c > '~'))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{name} must be printable ASCII without '{Separator}'."), name);
        }
    }
}
