namespace HimPortal.Application.Patients;

/// <summary>One record of a person: its id and MRN, for the chart's list of linked records and its items' badges.</summary>
public sealed record PersonRecord(Guid Id, string? Mrn);

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

    /// <summary>
    /// The records of the patient's person (ADR 0015): this record first, then the others in id order; this record alone
    /// when it is linked to none. The chart reads them all and badges each item with its record's MRN when there are more than one.
    /// </summary>
    public IReadOnlyList<PersonRecord> Records { get => field.Count == 0 ? [new PersonRecord(Id, Mrn)] : field; init; } = [];

    /// <summary>Whether the patient's person holds more than this record.</summary>
    public bool IsLinked => Records.Count > 1;

    /// <summary>The ids of <see cref="Records"/>, to read the person's items with.</summary>
    public Guid[] RecordIds => Records.Select(r => r.Id).ToArray();

    /// <summary>The MRN of one of the person's records (an item's), for its badge.</summary>
    public string? MrnOf(Guid recordId) => Records.FirstOrDefault(r => r.Id == recordId)?.Mrn;

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
