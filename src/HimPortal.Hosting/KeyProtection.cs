using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HimPortal.Data;
using Microsoft.AspNetCore.DataProtection;

namespace HimPortal.Hosting;

/// <summary>
/// How the data-protection keys (they sign and encrypt session cookies and anti-forgery tokens) are protected at rest
/// (section "DataProtection"). The keys live in the database, shared by every web node; each is encrypted with this
/// certificate, which the database never holds: a copy of the database alone cannot forge a session.
/// </summary>
public sealed class KeyProtectionOptions
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS#12 (.pfx) file with the certificate and its private key.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Create a self-signed certificate at <see cref="CertificatePath"/> when none is there (a demo or a first start).</summary>
    public bool CreateIfMissing { get; set; }
}

public static class KeyProtection
{
    /// <summary>
    /// Data protection with its keys in the database, encrypted with the configured certificate. Without one the web app
    /// does not start: unencrypted keys beside the data they protect would let anyone with a database copy sign in as anyone.
    /// Each host names itself (<paramref name="applicationName"/>): the key ring is shared, but what one host protects (its
    /// session cookie, its antiforgery tokens) the other cannot read, so a staff cookie opens nothing in the patient portal.
    /// </summary>
    public static void AddHimPortalDataProtection(this IServiceCollection services, IConfiguration configuration, string applicationName = "HimPortal")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = configuration.GetSection(KeyProtectionOptions.Section).Get<KeyProtectionOptions>() ?? new KeyProtectionOptions();
        if (string.IsNullOrWhiteSpace(settings.CertificatePath))
        {
            throw new InvalidOperationException(
                "DataProtection:CertificatePath is not set: the data-protection keys would be stored unencrypted. Point it at a .pfx " +
                "certificate (DataProtection:CertificatePassword for its password), or set DataProtection:CreateIfMissing=true to create one there.");
        }

        var certificate = Load(settings);
        services.AddDataProtection()
            .SetApplicationName(applicationName)
            .PersistKeysToHimPortalDatabase()
            .ProtectKeysWithCertificate(certificate)
            .UnprotectKeysWithAnyCertificate(certificate);
    }

    private static X509Certificate2 Load(KeyProtectionOptions settings)
    {
        var path = settings.CertificatePath!;
        if (!File.Exists(path))
        {
            if (!settings.CreateIfMissing)
            {
                throw new InvalidOperationException($"DataProtection:CertificatePath: there is no certificate at {path}.");
            }

            Create(path, settings.CertificatePassword);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(path, settings.CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
    }

    /// <summary>A self-signed RSA certificate for key encryption, written readable by this account only.</summary>
    private static void Create(string path, string? password)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=HimPortal data protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // AES-256 and SHA-256 for the file's own encryption (the default export uses the legacy 3DES/SHA-1 scheme).
        var bytes = certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password);
        // Written aside and moved into place, so that several processes starting at once never read half a file: the
        // first move wins, the others keep the certificate it put there.
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }
}
