namespace HimPortal.Data.Clinical;

public sealed class Patient : ClinicalResource
{
    public string? Mrn { get; set; }

    public string? FamilyName { get; set; }

    public string? GivenNames { get; set; }

    /// <summary>Lower-case, accent-free "given family" for name search ("cortes" finds Cortés).</summary>
    public string? SearchName { get; set; }

    public DateOnly? BirthDate { get; set; }

    public string? Sex { get; set; }

    public bool Deceased { get; set; }

    public DateTimeOffset? DeceasedAt { get; set; }

    public string? AddressLine { get; set; }

    public string? City { get; set; }

    public string? State { get; set; }

    public string? PostalCode { get; set; }

    public string? Phone { get; set; }
}

public sealed class PatientIdentifier : ResourcePart
{
    public string? System { get; set; }

    public required string Value { get; set; }

    public string? TypeCode { get; set; }
}

public sealed class Practitioner : ClinicalResource
{
    public string? Npi { get; set; }

    public string? FamilyName { get; set; }

    public string? GivenNames { get; set; }

    public string? Sex { get; set; }
}

public sealed class Organization : ClinicalResource
{
    public string? IdentifierSystem { get; set; }

    public string? IdentifierValue { get; set; }

    public required string Name { get; set; }

    public string? TypeCode { get; set; }

    public string? City { get; set; }

    public string? State { get; set; }

    public string? Phone { get; set; }
}

public sealed class Location : ClinicalResource
{
    public string? IdentifierSystem { get; set; }

    public string? IdentifierValue { get; set; }

    public required string Name { get; set; }

    public Guid? OrganizationId { get; set; }

    public string? City { get; set; }

    public string? State { get; set; }
}

public sealed class PractitionerRole : ClinicalResource
{
    public Guid? PractitionerId { get; set; }

    public Guid? OrganizationId { get; set; }

    public Guid? LocationId { get; set; }

    public string? RoleCode { get; set; }

    public string? SpecialtyCode { get; set; }

    public string? SpecialtyDisplay { get; set; }
}

public sealed class Encounter : ClinicalResource
{
    public Guid PatientId { get; set; }

    public required string Status { get; set; }

    public required string Class { get; set; }

    public string? TypeCode { get; set; }

    public string? TypeDisplay { get; set; }

    public DateTimeOffset? PeriodStart { get; set; }

    public DateTimeOffset? PeriodEnd { get; set; }

    public Guid? LocationId { get; set; }

    public Guid? ServiceProviderId { get; set; }

    public string? ReasonCode { get; set; }

    public string? ReasonDisplay { get; set; }

    public string? DischargeDisposition { get; set; }
}

/// <summary>A practitioner's part in an encounter: with care-team members, what gives a physician a treatment relationship.</summary>
public sealed class EncounterParticipant : ResourcePart
{
    public Guid PatientId { get; set; }

    public Guid PractitionerId { get; set; }

    public string? TypeCode { get; set; }

    public DateTimeOffset? PeriodStart { get; set; }

    public DateTimeOffset? PeriodEnd { get; set; }
}

public sealed class Condition : PatientResource
{
    public string? CodeSystem { get; set; }

    public required string Code { get; set; }

    public string? Display { get; set; }

    public string? ClinicalStatus { get; set; }

    public string? VerificationStatus { get; set; }

    public string? Category { get; set; }

    public DateTimeOffset? OnsetAt { get; set; }

    public DateTimeOffset? AbatementAt { get; set; }

    public DateTimeOffset? RecordedAt { get; set; }
}

public sealed class Observation : PatientResource
{
    public required string Status { get; set; }

    public string? Category { get; set; }

    public string? CodeSystem { get; set; }

    public required string Code { get; set; }

    public string? Display { get; set; }

    public DateTimeOffset? EffectiveAt { get; set; }

    public decimal? ValueQuantity { get; set; }

    public string? ValueUnit { get; set; }

    public string? ValueCode { get; set; }

    public string? ValueDisplay { get; set; }

    public string? ValueString { get; set; }

    public decimal? ReferenceLow { get; set; }

    public decimal? ReferenceHigh { get; set; }

    /// <summary>normal, low, high, critical-low or critical-high, from the lab reference table; null where none applies.</summary>
    public string? Flag { get; set; }
}

public sealed class ObservationComponent : ResourcePart
{
    public required string Code { get; set; }

    public string? Display { get; set; }

    public decimal? ValueQuantity { get; set; }

    public string? ValueUnit { get; set; }

    public string? ValueCode { get; set; }

    public string? ValueDisplay { get; set; }

    public string? ValueString { get; set; }
}

public sealed class DiagnosticReport : PatientResource
{
    public required string Status { get; set; }

    public string? Category { get; set; }

    public required string Code { get; set; }

    public string? Display { get; set; }

    public DateTimeOffset? EffectiveAt { get; set; }

    public DateTimeOffset? IssuedAt { get; set; }

    /// <summary>The decoded presented form (note reports).</summary>
    public string? Text { get; set; }
}

/// <summary>A lab panel's link to one of its result observations.</summary>
public sealed class DiagnosticReportResult : ResourcePart
{
    public Guid ObservationId { get; set; }
}

/// <summary>A DocumentReference: a clinical note with its decoded text.</summary>
public sealed class ClinicalNote : PatientResource
{
    public required string Status { get; set; }

    public string? TypeCode { get; set; }

    public string? TypeDisplay { get; set; }

    public DateTimeOffset? Date { get; set; }

    public Guid? AuthorId { get; set; }

    public Guid? CustodianId { get; set; }

    public string? ContentType { get; set; }

    public string? Text { get; set; }

    /// <summary>
    /// The document's own status (DocumentReference.docStatus: preliminary, final, amended, entered-in-error), as opposed
    /// to the reference's <see cref="Status"/>. With an <see cref="AuthenticatorId"/> and final (or amended) it counts as
    /// signed for chart completion (42 CFR 482.24(c)(1)).
    /// </summary>
    public string? DocStatus { get; set; }

    /// <summary>Who authenticated the document (DocumentReference.authenticator), when a practitioner of the record.</summary>
    public Guid? AuthenticatorId { get; set; }
}

public sealed class Medication : ClinicalResource
{
    public string? Code { get; set; }

    public string? Display { get; set; }

    public string? Status { get; set; }
}

public sealed class MedicationRequest : PatientResource
{
    public required string Status { get; set; }

    public string? Intent { get; set; }

    public string? MedicationCode { get; set; }

    public string? MedicationDisplay { get; set; }

    public Guid? MedicationId { get; set; }

    public DateTimeOffset? AuthoredOn { get; set; }

    public Guid? RequesterId { get; set; }

    public string? DosageText { get; set; }

    public string? ReasonCode { get; set; }

    /// <summary>
    /// What the source says about how the order was given, as "system|code" (the category codings and any extension's
    /// valueCoding): chart completion maps them to verbal or telephone orders (42 CFR 482.24(c)(2)) by its own table.
    /// </summary>
    public string[] ModeCodes { get; set; } = [];
}

public sealed class MedicationAdministration : PatientResource
{
    public required string Status { get; set; }

    public string? MedicationCode { get; set; }

    public string? MedicationDisplay { get; set; }

    public Guid? MedicationId { get; set; }

    public DateTimeOffset? EffectiveAt { get; set; }
}

public sealed class AllergyIntolerance : PatientResource
{
    public required string Code { get; set; }

    public string? Display { get; set; }

    public string? Type { get; set; }

    public string? Category { get; set; }

    public string? Criticality { get; set; }

    public string? ClinicalStatus { get; set; }

    public string? VerificationStatus { get; set; }

    public DateTimeOffset? RecordedAt { get; set; }
}

public sealed class Immunization : PatientResource
{
    public required string Status { get; set; }

    public required string VaccineCode { get; set; }

    public string? Display { get; set; }

    public DateTimeOffset? OccurredAt { get; set; }
}

public sealed class Procedure : PatientResource
{
    public required string Status { get; set; }

    public required string Code { get; set; }

    public string? Display { get; set; }

    public DateTimeOffset? PerformedStart { get; set; }

    public DateTimeOffset? PerformedEnd { get; set; }

    public string? ReasonCode { get; set; }

    /// <summary>
    /// The procedure's primary performer (the performer whose function is PPRF, or the only performer): who owes the
    /// operative report (42 CFR 482.51(b)(6)). Null when the source does not say.
    /// </summary>
    public Guid? PerformerId { get; set; }
}

public sealed class ImagingStudy : PatientResource
{
    public required string Status { get; set; }

    public string? StudyUid { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public string? Modality { get; set; }

    public string? BodySiteCode { get; set; }

    public string? BodySiteDisplay { get; set; }

    public string? ProcedureCode { get; set; }

    public string? ProcedureDisplay { get; set; }

    public int SeriesCount { get; set; }

    public int InstanceCount { get; set; }

    public string[] SeriesUids { get; set; } = [];
}

public sealed class CareTeam : PatientResource
{
    public string? Status { get; set; }

    public string? Name { get; set; }

    public DateTimeOffset? PeriodStart { get; set; }

    public DateTimeOffset? PeriodEnd { get; set; }

    public Guid? ManagingOrganizationId { get; set; }
}

/// <summary>A care-team member; practitioner members give a treatment relationship with the team's patient.</summary>
public sealed class CareTeamMember : ResourcePart
{
    public Guid PatientId { get; set; }

    public Guid? PractitionerId { get; set; }

    public Guid? OrganizationId { get; set; }

    public string? RoleCode { get; set; }

    public string? RoleDisplay { get; set; }
}

public sealed class CarePlan : PatientResource
{
    public required string Status { get; set; }

    public string? Intent { get; set; }

    public string? CategoryCode { get; set; }

    public string? CategoryDisplay { get; set; }

    public DateTimeOffset? PeriodStart { get; set; }

    public DateTimeOffset? PeriodEnd { get; set; }

    public Guid? CareTeamId { get; set; }

    /// <summary>The planned activities, one per line ("code display: status").</summary>
    public string? Activities { get; set; }
}
