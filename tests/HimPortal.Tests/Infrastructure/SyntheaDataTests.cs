using System.Security.Cryptography;

namespace HimPortal.Tests.Infrastructure;

/// <summary>
/// The test data is the repository's own (data/synthea-r4), whole and as its README describes it: a clone needs nothing
/// beside it, so a data folder that resolves outside the repository (a symbolic link to a copy next to it, say) fails here.
/// </summary>
public sealed class SyntheaDataTests
{
    [Fact]
    public void The_data_folder_and_every_file_in_it_resolve_inside_the_repository()
    {
        var root = RealPath(Repository.Root) + Path.DirectorySeparatorChar;
        File.Exists(Path.Combine(Repository.Root, "HimPortal.sln")).ShouldBeTrue();

        RealPath(SyntheaData.Folder).ShouldStartWith(root);
        Directory.GetFiles(SyntheaData.Folder).ShouldNotBeEmpty();
        foreach (var file in Directory.GetFiles(SyntheaData.Folder))
        {
            RealPath(file).ShouldStartWith(root, Case.Sensitive, $"{file} resolves outside the repository");
        }
    }

    [Fact]
    public void Every_bundle_decompresses_to_the_bytes_SHA256SUMS_names()
    {
        var sums = File.ReadAllLines(Path.Combine(SyntheaData.Folder, "SHA256SUMS"))
            .Select(line => line.Split("  ", 2))
            .ToDictionary(parts => parts[1], parts => parts[0], StringComparer.Ordinal);
        var bundles = Directory.GetFiles(SyntheaData.Folder, "*.json.gz");

        bundles.Select(SyntheaData.JsonName).Order(StringComparer.Ordinal).ShouldBe(sums.Keys.Order(StringComparer.Ordinal));
        SyntheaData.PatientBundles().Count().ShouldBe(40);
        new[] { SyntheaData.HospitalBundle, SyntheaData.PractitionerBundle }.ShouldAllBe(f => bundles.Contains(f));
        foreach (var bundle in bundles)
        {
            Convert.ToHexStringLower(SHA256.HashData(SyntheaData.ReadJson(bundle))).ShouldBe(sums[SyntheaData.JsonName(bundle)], bundle);
        }
    }

    [Fact]
    public void The_bundles_are_gzip_without_a_name_or_time_stamp_and_the_folder_stays_under_5_MB()
    {
        // gzip -9 -n: the same JSON gives the same bytes, whoever compresses it and when (RFC 1952: FLG.FNAME, MTIME).
        foreach (var bundle in Directory.GetFiles(SyntheaData.Folder, "*.json.gz"))
        {
            var bytes = File.ReadAllBytes(bundle);
            bytes[..3].ShouldBe(new byte[] { 0x1f, 0x8b, 8 }, bundle);
            (bytes[3] & 0x08).ShouldBe(0, $"{bundle} carries a file name: compress with gzip -9 -n");
            BitConverter.ToUInt32(bytes, 4).ShouldBe(0u, $"{bundle} carries a time stamp: compress with gzip -9 -n");
        }

        // Every clone carries this folder, so it stays small.
        Directory.GetFiles(SyntheaData.Folder).Sum(f => new FileInfo(f).Length).ShouldBeLessThan(5_000_000);
    }

    /// <summary>The path with every symbolic link on the way resolved, as realpath(3) gives it.</summary>
    private static string RealPath(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var parent = Path.GetDirectoryName(full);
        if (parent is null)
            return full;

        var here = Path.Combine(RealPath(parent), Path.GetFileName(full));
        var target = (Directory.Exists(here) ? new DirectoryInfo(here) : (FileSystemInfo)new FileInfo(here)).ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? here : RealPath(target.FullName);
    }
}
