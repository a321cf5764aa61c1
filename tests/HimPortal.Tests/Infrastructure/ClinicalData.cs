using HimPortal.Application.Intake.ImportBundles;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Infrastructure;

/// <summary>Synthea patients of the repository's data imported through the real import, and the facts chart tests need about them.</summary>
public static class ClinicalData
{
    /// <summary>The smallest bundle: 3 encounters.</summary>
    public const string Smallest = "8a4c9c04-1524-9f1c-d65b-9b17e4520fef";

    /// <summary>Armando772 Cortés936: a non-ASCII name.</summary>
    public const string Cortes = "8dd4ed1f-108e-64ad-ce09-926c83ce7f76";

    /// <summary>The largest bundle: 106 encounters, 865 observations, 106 notes.</summary>
    public const string Largest = "0696ac49-3128-87d3-7344-04510aa4f324";

    /// <summary>A patient with an imaging study.</summary>
    public const string WithImaging = "9a174f9e-ed67-6617-0106-745fb1f9a344";

    /// <summary>Stacia109 Schowalter414: one practitioner took part in one of her 25 encounters (2014-02-05) and in nothing else of hers.</summary>
    public const string OneVisitPractitioner = "4004a424-c33b-6ced-23c3-c1318e45c419";

    public static async Task ImportAsync(TestDatabase database, params string[] patients)
    {
        ArgumentNullException.ThrowIfNull(database);
        var files = new[] { SyntheaData.HospitalBundle, SyntheaData.PractitionerBundle }.Concat(patients.Select(SyntheaData.PatientBundle));
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var summary = await scope.ServiceProvider.GetRequiredService<ImportBundlesHandler>()
            .HandleAsync(new ImportBundlesCommand([.. files.Select(BundleFile.FromPath)]), CancellationToken.None);
        summary.Value!.Files.Where(f => !f.Ok).Select(f => f.Error).ShouldBeEmpty();
    }

    public static Task<Guid> PatientIdAsync(TestDatabase database, string fhirId) =>
        database!.ScalarAsync<Guid>($"SELECT id FROM clinical.patients WHERE fhir_id = '{fhirId}'");

    /// <summary>The NPI of a practitioner who took part in one of the patient's encounters, not yet linked to an account.</summary>
    public static Task<string> TreatingNpiAsync(TestDatabase database, Guid patientId) =>
        database!.ScalarAsync<string>($"""
            SELECT pr.npi FROM clinical.encounter_participants ep JOIN clinical.practitioners pr ON pr.id = ep.practitioner_id
            WHERE ep.patient_id = '{patientId}' AND pr.npi IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.practitioner_npi = pr.npi)
            ORDER BY pr.npi LIMIT 1
            """);

    /// <summary>The NPI of a practitioner with no encounter or care team of the patient's, not yet linked to an account.</summary>
    public static Task<string> UnrelatedNpiAsync(TestDatabase database, Guid patientId) =>
        database!.ScalarAsync<string>($"""
            SELECT pr.npi FROM clinical.practitioners pr
            WHERE pr.npi IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.practitioner_npi = pr.npi)
              AND NOT EXISTS (SELECT 1 FROM clinical.encounter_participants ep WHERE ep.practitioner_id = pr.id AND ep.patient_id = '{patientId}')
              AND NOT EXISTS (SELECT 1 FROM clinical.care_team_members m WHERE m.practitioner_id = pr.id AND m.patient_id = '{patientId}')
            ORDER BY pr.npi LIMIT 1
            """);
}

/// <summary>A test class's database with master data and a few Synthea patients imported once.</summary>
public sealed class ChartDatabase : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await ClinicalData.ImportAsync(Database, ClinicalData.Smallest, ClinicalData.Cortes, ClinicalData.Largest, ClinicalData.WithImaging);
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}
