namespace HimPortal.Application.Patients;

/// <summary>Who the patient is: the chart header, shown with every part of the chart.</summary>
public sealed record PatientHeader(
    Guid Id,
    string? GivenNames,
    string? FamilyName,
    DateOnly? BirthDate,
    string? Sex,
    string? Mrn,
    bool Deceased,
    DateTimeOffset? DeceasedAt,
    string? AddressLine,
    string? City,
    string? State,
    string? PostalCode,
    string? Phone,
    bool IsRestricted)
{
    public string Name => $"{GivenNames} {FamilyName}".Trim() is { Length: > 0 } name ? name : "(no name recorded)";

    /// <summary>Age in whole years today, or at death.</summary>
    public int? AgeOn(DateOnly today)
    {
        if (BirthDate is not { } born)
        {
            return null;
        }

        var end = DeceasedAt is { } died ? DateOnly.FromDateTime(died.UtcDateTime) : today;
        var age = end.Year - born.Year;
        return end < born.AddYears(age) ? age - 1 : age;
    }
}
