using System.Security.Cryptography;
using System.Text;

namespace HimPortal.Application.Clinical;

/// <summary>How a resource's key in the record is made from what FHIR names it by.</summary>
public static class ClinicalKeys
{
    /// <summary>
    /// The internal key of a resource: derived from its type and FHIR id (SHA-256, as a version 8 uuid), so the import
    /// resolves references without a lookup, and the writer's copies get keys the same way from their new FHIR ids.
    /// </summary>
    public static Guid For(string resourceType, string fhirId)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(fhirId);
        var length = Encoding.UTF8.GetMaxByteCount(resourceType.Length + 1 + fhirId.Length);
        Span<byte> text = length <= 512 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.UTF8.GetBytes(resourceType, text);
        text[written++] = (byte)'/';
        written += Encoding.UTF8.GetBytes(fhirId, text[written..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(text[..written], hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: application-defined
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
