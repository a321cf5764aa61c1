namespace HimPortal.Tests.Infrastructure;

/// <summary>A folder of its own under the system's temporary folder, deleted with everything in it on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("himportal-test-").FullName;

    /// <summary>Writes <paramref name="bytes"/> to a file of this folder; returns its full path.</summary>
    public string Write(string name, byte[] bytes)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
