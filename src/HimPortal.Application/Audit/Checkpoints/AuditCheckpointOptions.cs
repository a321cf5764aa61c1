using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;

namespace HimPortal.Application.Audit.Checkpoints;

/// <summary>
/// Where signed checkpoints of the audit's lane heads go, and the key that signs them (section "Audit:Checkpoints",
/// docs/adr/0020-audit-time-and-outside-anchors.md). The key is an ECDSA P-256 private key in PEM: from a file
/// (<see cref="KeyFile"/>, generated for development by scripts/run.sh into .himportal/) or the text itself
/// (<see cref="Key"/>, e.g. from the environment variable Audit__Checkpoints__Key). The database never holds it, so
/// whoever rewrites the database cannot sign a checkpoint that agrees with the rewrite.
/// </summary>
public sealed class AuditCheckpointOptions : IValidatableObject
{
    /// <summary>
    /// The folder the checkpoints are written to, one file per checkpoint, never rewritten: outside PostgreSQL's host
    /// and backups (write-once storage, or a folder another system copies away). Unset: no checkpoints are written or checked.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>A file holding the signing key (PEM, "BEGIN PRIVATE KEY" or "BEGIN EC PRIVATE KEY").</summary>
    public string? KeyFile { get; set; }

    /// <summary>The signing key's PEM text itself, instead of <see cref="KeyFile"/>.</summary>
    public string? Key { get; set; }

    /// <summary>
    /// Also send each checkpoint to a syslog collector over UDP ("host:port", RFC 5424), so a copy lives on another
    /// machine even if the folder's host is taken over. Optional.
    /// </summary>
    public string? Syslog { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Directory);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsConfigured)
        {
            if (!string.IsNullOrWhiteSpace(KeyFile) || !string.IsNullOrWhiteSpace(Key))
            {
                yield return new ValidationResult("A checkpoint key is set but no Directory to write the checkpoints to.", [nameof(Directory)]);
            }

            yield break;
        }

        if (string.IsNullOrWhiteSpace(KeyFile) == string.IsNullOrWhiteSpace(Key))
        {
            yield return new ValidationResult("Set exactly one of KeyFile and Key: the ECDSA P-256 key that signs the checkpoints.", [nameof(KeyFile)]);
            yield break;
        }

        if (!string.IsNullOrWhiteSpace(KeyFile) && !File.Exists(KeyFile))
        {
            yield return new ValidationResult($"The checkpoint key file {KeyFile} does not exist.", [nameof(KeyFile)]);
            yield break;
        }

        string? problem = null;
        try
        {
            using var key = LoadKey();
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            problem = "The checkpoint key is not an ECDSA P-256 private key in PEM: " + ex.Message;
        }

        if (problem is not null)
        {
            yield return new ValidationResult(problem, [string.IsNullOrWhiteSpace(Key) ? nameof(KeyFile) : nameof(Key)]);
        }

        if (!string.IsNullOrWhiteSpace(Syslog) && !TrySplitEndpoint(Syslog, out _, out _))
        {
            yield return new ValidationResult("Syslog is \"host:port\" (UDP).", [nameof(Syslog)]);
        }
    }

    /// <summary>The signing key (the caller disposes it). Refuses any key but ECDSA on P-256.</summary>
    public ECDsa LoadKey()
    {
        var pem = !string.IsNullOrWhiteSpace(Key) ? Key : File.ReadAllText(KeyFile!);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new CryptographicException("the key is not on the P-256 curve");
            }

            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    internal static bool TrySplitEndpoint(string value, out string host, out int port)
    {
        var colon = value.LastIndexOf(':');
        host = colon > 0 ? value[..colon] : "";
        port = 0;
        return colon > 0 && int.TryParse(value[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536;
    }
}
