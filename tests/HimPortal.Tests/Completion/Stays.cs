using System.Text.Json.Nodes;
using HimPortal.Application.Completion.Analysis;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Cli.Demo;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Completion;

/// <summary>Synthetic hospital stays (<see cref="StayBundle"/>) imported through the real import, and the analysis run by hand.</summary>
public static class Stays
{
    /// <summary>A stay for a stored patient (imported by ClinicalData): their Patient resource as stored goes into the bundle.</summary>
    public static async Task<StayBundle> ForStoredPatientAsync(
        TestDatabase database, Guid patientId, string encounterClass, DateTimeOffset admitted, DateTimeOffset? discharged, string? encounterFhirId = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var json = await database.ScalarAsync<string>($"SELECT resource::text FROM clinical.patients WHERE id = '{patientId}'");
        return new StayBundle(JsonNode.Parse(json)!.AsObject(), encounterFhirId ?? Guid.NewGuid().ToString("D"), encounterClass, admitted, discharged);
    }

    /// <summary>Imports the bundles through the import handler (as the console); fails the test on any refused bundle.</summary>
    public static async Task ImportAsync(TestDatabase database, params StayBundle[] stays)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var summary = await scope.ServiceProvider.GetRequiredService<ImportBundlesHandler>().HandleAsync(
            new ImportBundlesCommand([.. stays.Select((s, i) => BundleFile.FromBytes($"stay-{i}-{s.EncounterFhirId}.json", s.ToUtf8()))]), CancellationToken.None);
        summary.Value.ShouldNotBeNull();
        summary.Value.Files.Where(f => !f.Ok).Select(f => f.Error).ShouldBeEmpty();
    }

    /// <summary>Runs the analysis (what the job does) until the queue is empty, on the given clock; returns how many stays it analysed.</summary>
    public static async Task<int> AnalyseAsync(TestDatabase database, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var services = database.Services(clock: clock);
        var total = 0;
        while (true)
        {
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<AnalyseStaysHandler>().HandleAsync(new AnalyseStaysCommand(), CancellationToken.None);
            result.Error.ShouldBeNull();
            total += result.Value!.Stays;
            if (!result.Value.MoreQueued || result.Value.Stays == 0)
            {
                return total;
            }
        }
    }

    /// <summary>The encounter's key (clinical.encounters.id) from its FHIR id.</summary>
    public static Task<Guid> EncounterIdAsync(TestDatabase database, string encounterFhirId) =>
        database!.ScalarAsync<Guid>($"SELECT id FROM clinical.encounters WHERE fhir_id = '{encounterFhirId}'");
}
