using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Audit.Checkpoints;

/// <summary>One lane's head as a checkpoint recorded it.</summary>
public sealed record CheckpointHead(short Lane, long Seq, byte[] Hash, DateTimeOffset? At);

/// <summary>The lane heads at one moment (the database's time), signed.</summary>
public sealed record AuditCheckpoint(long Number, DateTimeOffset TakenAt, string Database, string KeyId, IReadOnlyList<CheckpointHead> Heads);

/// <summary>A checkpoint file read back: its checkpoint when the signature holds, otherwise why it cannot be trusted.</summary>
public sealed record StoredCheckpoint(string File, long Number, AuditCheckpoint? Checkpoint, string? Problem)
{
    public bool Verified => Problem is null && Checkpoint is not null;
}

/// <summary>
/// The audit's anchors outside PostgreSQL (docs/adr/0020-audit-time-and-outside-anchors.md): each checkpoint is a file of
/// two lines, the JSON of the lane heads and an ECDSA P-256 signature (SHA-256, IEEE P1363, base64) over exactly that
/// line's UTF-8 bytes, so nothing needs re-encoding to verify. A file is written under a temporary name, flushed to
/// disk, and moved to its final name, which never exists before: a checkpoint is never rewritten, and a half-written
/// one never carries a final name.
/// </summary>
public sealed class AuditCheckpointStore(IOptions<AuditOptions> options, TimeProvider clock)
{
    private const string Prefix = "audit-checkpoint-";
    private const string Suffix = ".txt";
    private const string FormatName = "himportal-audit-checkpoint/1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private AuditCheckpointOptions Settings => options.Value.Checkpoints;

    public bool IsConfigured => Settings.IsConfigured;

    public string? Directory => Settings.Directory;

    /// <summary>Every checkpoint in the folder, oldest first, each checked against the key.</summary>
    public IReadOnlyList<StoredCheckpoint> ReadAll() => Read(int.MaxValue);

    /// <summary>The newest <paramref name="count"/> checkpoints, oldest first, each checked against the key.</summary>
    public IReadOnlyList<StoredCheckpoint> Read(int count)
    {
        if (!IsConfigured || !System.IO.Directory.Exists(Settings.Directory))
        {
            return [];
        }

        using var key = Settings.LoadKey();
        var keyId = KeyId(key);
        var files = Files().ToList();
        return [.. files.Skip(Math.Max(0, files.Count - count)).Select(f => Read(f.Path, f.Number, key, keyId))];
    }

    /// <summary>Signs and writes the next checkpoint; its number is one more than the highest in the folder.</summary>
    public async Task<StoredCheckpoint> WriteAsync(DateTimeOffset takenAt, string database, IReadOnlyList<CheckpointHead> heads, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(heads);
        if (!IsConfigured)
        {
            throw new InvalidOperationException("Audit checkpoints are not configured (Audit:Checkpoints:Directory).");
        }

        var folder = Settings.Directory!;
        System.IO.Directory.CreateDirectory(folder);
        using var key = Settings.LoadKey();
        var keyId = KeyId(key);
        var number = Files().Select(f => f.Number).DefaultIfEmpty(0).Max() + 1;
        for (var attempt = 0; ; attempt++)
        {
            var checkpoint = new AuditCheckpoint(number, takenAt, database, keyId, heads);
            var line = JsonSerializer.Serialize(ToDocument(checkpoint), Json);
            var signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(line), HashAlgorithmName.SHA256));
            var text = line + "\n" + signature + "\n";
            var path = Path.Combine(folder, FileName(number));
            var temporary = Path.Combine(folder, $".{FileName(number)}.{Guid.NewGuid():N}.tmp");
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                // Never over an existing checkpoint: another node may have taken the number first.
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path) && attempt < 10)
            {
                File.Delete(temporary);
                number++;
                continue;
            }

            await SendToSyslogAsync(number, line, signature, ct);
            return new StoredCheckpoint(path, number, checkpoint, null);
        }
    }

    private IEnumerable<(string Path, long Number)> Files() =>
        System.IO.Directory.EnumerateFiles(Settings.Directory!, Prefix + "*" + Suffix)
            .Select(path => (Path: path, Name: Path.GetFileName(path)))
            .Select(f => (f.Path, Ok: long.TryParse(f.Name[Prefix.Length..^Suffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var n), Number: n))
            .Where(f => f.Ok)
            .Select(f => (f.Path, f.Number))
            .OrderBy(f => f.Number);

    private static string FileName(long number) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{number:D10}{Suffix}");

    private static StoredCheckpoint Read(string path, long number, ECDsa key, string keyId)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException ex)
        {
            return new StoredCheckpoint(path, number, null, "unreadable: " + ex.Message);
        }

        if (lines.Length < 2)
        {
            return new StoredCheckpoint(path, number, null, "incomplete: it has no signature line");
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(lines[1]);
        }
        catch (FormatException)
        {
            return new StoredCheckpoint(path, number, null, "its signature line is not base64");
        }

        if (!key.VerifyData(Encoding.UTF8.GetBytes(lines[0]), signature, HashAlgorithmName.SHA256))
        {
            return new StoredCheckpoint(path, number, null, "its signature does not verify with the checkpoint key: it was altered, or signed with another key");
        }

        CheckpointDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<CheckpointDocument>(lines[0], Json);
        }
        catch (JsonException ex)
        {
            return new StoredCheckpoint(path, number, null, "signed but unreadable: " + ex.Message);
        }

        if (document is null || document.Format != FormatName || document.Number != number || document.Lanes is null)
        {
            return new StoredCheckpoint(path, number, null, "signed, but not a checkpoint of this format, or not the number its file name says");
        }

        var heads = document.Lanes.Select(l => new CheckpointHead(l.Lane, l.Seq, Convert.FromHexString(l.Hash), l.At)).ToList();
        var checkpoint = new AuditCheckpoint(document.Number, document.TakenAt, document.Database, document.Key, heads);
        return new StoredCheckpoint(path, number, checkpoint, document.Key == keyId ? null : "signed by another key than the one configured");
    }

    /// <summary>The key's name in a checkpoint: the first 16 hex digits of the SHA-256 of its public key (SubjectPublicKeyInfo).</summary>
    private static string KeyId(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];

    private async Task SendToSyslogAsync(long number, string line, string signature, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Settings.Syslog) || !AuditCheckpointOptions.TrySplitEndpoint(Settings.Syslog, out var host, out var port))
        {
            return;
        }

        // RFC 5424: facility security/authorization (4), severity notice (5): <37>. The message is the file's two lines.
        var message = string.Create(CultureInfo.InvariantCulture,
            $"<37>1 {clock.GetUtcNow():yyyy-MM-ddTHH:mm:ss.ffffffZ} {Environment.MachineName} himportal - audit-checkpoint - checkpoint={number} {line} sig={signature}");
        using var udp = new UdpClient();
        await udp.SendAsync(Encoding.UTF8.GetBytes(message), host, port, ct);
    }

    private static CheckpointDocument ToDocument(AuditCheckpoint c) => new(FormatName, c.Number, c.TakenAt, c.Database, c.KeyId,
        [.. c.Heads.Select(h => new CheckpointLane(h.Lane, h.Seq, Convert.ToHexStringLower(h.Hash), h.At))]);

    private sealed record CheckpointDocument(string Format, long Number, DateTimeOffset TakenAt, string Database, string Key, IReadOnlyList<CheckpointLane>? Lanes);

    private sealed record CheckpointLane(short Lane, long Seq, string Hash, DateTimeOffset? At);
}
