using System.Security.Cryptography;

namespace HimPortal.Tests.Infrastructure;

/// <summary>
/// Where a test's audit checkpoints go (a folder of its own) and the key that signs them (a P-256 key written to a file
/// in another folder, as scripts/run.sh generates one), with the settings that name them for the application, the web
/// host (<see cref="Apply"/>) and the console (<see cref="Environment"/>).
/// </summary>
public sealed class CheckpointSink : IDisposable
{
    private readonly TempFolder _folder = new();

    public CheckpointSink()
    {
        Directory = Path.Combine(_folder.Path, "checkpoints");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        KeyFile = _folder.Write("checkpoint-key.pem", System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
    }

    public string Directory { get; }

    public string KeyFile { get; }

    public Dictionary<string, string?> Settings => new()
    {
        ["Audit:Checkpoints:Directory"] = Directory,
        ["Audit:Checkpoints:KeyFile"] = KeyFile,
    };

    /// <summary>The same settings as the console reads them from its environment.</summary>
    public Dictionary<string, string> Environment => Settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);

    /// <summary>Gives a web host these settings (before it starts).</summary>
    public void Apply(HimPortalFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        foreach (var (key, value) in Settings)
        {
            factory.Settings[key] = value;
        }
    }

    public IReadOnlyList<string> Files =>
        System.IO.Directory.Exists(Directory) ? [.. System.IO.Directory.GetFiles(Directory).Order(StringComparer.Ordinal)] : [];

    public void Dispose() => _folder.Dispose();
}
