namespace HimPortal.Tests.Infrastructure;

/// <summary>This checkout of HimPortal: the folder holding HimPortal.sln, found by walking up from the test binaries.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootFolder = new(FindRoot);

    public static string Root => RootFolder.Value;

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "HimPortal.sln")))
                return folder.FullName;
        }

        throw new DirectoryNotFoundException($"No HimPortal.sln above {AppContext.BaseDirectory}.");
    }
}
