using System.ComponentModel.DataAnnotations.Schema;
using System.Text;

namespace HimPortal.Data.Clinical;

/// <summary>
/// What every stored FHIR resource has: an internal key derived from its type and FHIR id (so a bundle's references
/// resolve without a lookup), the FHIR id, the original JSON (so nothing is lost and the record can be given back as
/// FHIR) and the SHA-256 of that JSON (so a re-import can tell unchanged from changed).
/// </summary>
public abstract class ClinicalResource
{
    public Guid Id { get; set; }

    public required string FhirId { get; set; }

    private string? _json;

    /// <summary>The original JSON (a json column: the text as stored). Set directly, or decoded on first read from <see cref="ResourceUtf8"/>.</summary>
    public string Resource
    {
        get => _json ??= Encoding.UTF8.GetString(ResourceUtf8.Span);
        set => _json = value;
    }

    /// <summary>
    /// The import's UTF-8 bytes of <see cref="Resource"/>, which binary COPY sends as they are (<c>CopyBuffer.Resource</c>):
    /// the import never decodes a resource into a string (those strings were half of what it allocated). Valid only
    /// while the import's parse buffer is; not mapped.
    /// </summary>
    [NotMapped]
    public ReadOnlyMemory<byte> ResourceUtf8 { get; set; }

    public required byte[] SourceHash { get; set; }

    public DateTimeOffset ImportedAt { get; set; }
}

/// <summary>Clinical resources that belong to one patient's record.</summary>
public abstract class PatientResource : ClinicalResource
{
    public Guid PatientId { get; set; }

    public Guid? EncounterId { get; set; }
}

/// <summary>Rows that exist only inside their parent resource (participants, components, members): replaced with it.</summary>
public abstract class ResourcePart
{
    public Guid ParentId { get; set; }

    public short Ordinal { get; set; }
}
