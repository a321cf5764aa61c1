namespace HimPortal.Documents.CoverSheets;

/// <summary>A cover sheet to print: what its barcode carries, and the names a person reads on it.</summary>
/// <param name="PatientName">Printed, never put in the barcode.</param>
/// <param name="EncounterLabel">For example the encounter's date and kind; null when the sheet names no encounter.</param>
/// <param name="DocumentTypeName">For example "History and physical" for LOINC 34117-2.</param>
public sealed record CoverSheet(CoverSheetCode Code, string PatientName, string? EncounterLabel, string DocumentTypeName);
