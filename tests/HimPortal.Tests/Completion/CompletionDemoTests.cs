using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Cli.Demo;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Completion;

/// <summary>The demo and test data generator (issue 18 item 5): deterministic, the mix present, the bundles import cleanly.</summary>
public sealed class CompletionDemoTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);

    [Fact]
    public void The_same_seed_and_day_write_the_same_bundles_with_the_whole_mix_and_a_share_for_the_demo_physician()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();
        var npi = "9999999989";
        var summary = CompletionDemo.Write(SyntheaData.Folder, first.Path, Today, npi);
        CompletionDemo.Write(SyntheaData.Folder, second.Path, Today, npi);

        summary.Files.Count.ShouldBe(40);
        foreach (var file in summary.Files)
        {
            File.ReadAllBytes(file).ShouldBe(File.ReadAllBytes(Path.Combine(second.Path, Path.GetFileName(file))), Path.GetFileName(file));
        }

        foreach (var key in new[]
                 {
                     "class:IMP", "class:OBSENC", "class:SS", "class:EMER", "complete", "incomplete", "hp:signed", "hp:unsigned", "hp:missing", "surgery",
                     "operative-report:signed", "operative-report:missing", "discharge-summary:unsigned", "discharge-summary:missing", "order:verbal",
                 })
        {
            summary.Mix.Keys.ShouldContain(key);
        }

        var texts = summary.Files.Select(File.ReadAllText).ToList();
        texts.Count(t => t.Contains(npi, StringComparison.Ordinal)).ShouldBeGreaterThan(10);
        texts.ShouldAllBe(t => t.Contains("SYNTHETIC", StringComparison.Ordinal));

        // Another day: other stays (their ids come from the day), all discharged in the 60 days before it.
        using var later = new TempFolder();
        var next = CompletionDemo.Write(SyntheaData.Folder, later.Path, Today.AddDays(1), npi);
        File.ReadAllBytes(next.Files[0]).ShouldNotBe(File.ReadAllBytes(summary.Files[0]));
    }

    [Fact]
    public async Task The_bundles_import_cleanly_and_a_second_import_adds_nothing()
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        try
        {
            await ImportTwiceAsync(database);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    private static async Task ImportTwiceAsync(TestDatabase database)
    {
        await ClinicalData.ImportAsync(database);
        using var folder = new TempFolder();
        var summary = CompletionDemo.Write(SyntheaData.Folder, folder.Path, Today, "9999999989", stays: 12);

        for (var run = 0; run < 2; run++)
        {
            await using var services = database.Services();
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<ImportBundlesHandler>()
                .HandleAsync(new ImportBundlesCommand([.. summary.Files.Select(BundleFile.FromPath)]), CancellationToken.None);
            result.Value!.Files.Where(f => !f.Ok).Select(f => f.Error).ShouldBeEmpty();
            (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.encounters WHERE resource::text LIKE '%SYNTHETIC%'")).ShouldBe(12);
        }

        (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.clinical_notes")).ShouldBeGreaterThan(5);
        (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.procedures WHERE performer_id IS NOT NULL")).ShouldBeGreaterThan(0);
    }
}
