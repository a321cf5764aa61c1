using HimPortal.Cli.Demo;
using HimPortal.Data;
using HimPortal.Data.Completion;
using HimPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Completion.Analysis;

/// <summary>The cc-analysis tests' helpers: practitioners by NPI, a stored stay's deficiencies, re-queueing a stay.</summary>
public static class AnalysisWorld
{
    /// <summary>Distinct NPIs of the imported master data (any practitioner can take a role in a synthetic stay).</summary>
    public static async Task<string[]> NpisAsync(TestDatabase database, int count)
    {
        var list = await database.ScalarAsync<string>($"SELECT string_agg(npi, ',' ORDER BY npi) FROM (SELECT npi FROM clinical.practitioners WHERE npi IS NOT NULL ORDER BY npi LIMIT {count}) p");
        return list.Split(',');
    }

    public static Task<Guid> PractitionerIdAsync(TestDatabase database, string npi) =>
        database.ScalarAsync<Guid>($"SELECT id FROM clinical.practitioners WHERE npi = '{npi}'");

    public static async Task<List<Deficiency>> DeficienciesAsync(TestDatabase database, string encounterFhirId)
    {
        var encounter = await Stays.EncounterIdAsync(database, encounterFhirId);
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HimDbContext>().Deficiencies.AsNoTracking()
            .Where(d => d.EncounterId == encounter).OrderBy(d => d.Key).ToListAsync();
    }

    public static async Task<Stay?> StayAsync(TestDatabase database, string encounterFhirId)
    {
        var encounter = await Stays.EncounterIdAsync(database, encounterFhirId);
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HimDbContext>().Stays.AsNoTracking().SingleOrDefaultAsync(s => s.EncounterId == encounter);
    }

    /// <summary>Puts the stay back on the queue, as anything that changes what the analysis depends on does.</summary>
    public static async Task RequeueAsync(TestDatabase database, string encounterFhirId)
    {
        var encounter = await Stays.EncounterIdAsync(database, encounterFhirId);
        await database.ExecuteAsync($"INSERT INTO completion.analysis_queue (encounter_id, queued_at) VALUES ('{encounter}', now()) ON CONFLICT DO NOTHING");
    }

    public static async Task<StayBundle> StayAsync(TestDatabase database, DateTimeOffset admitted, DateTimeOffset discharged, string encounterClass = "IMP", string? fhirId = null)
    {
        var patient = await ClinicalData.PatientIdAsync(database, ClinicalData.Smallest);
        return await Stays.ForStoredPatientAsync(database, patient, encounterClass, admitted, discharged, fhirId);
    }
}
