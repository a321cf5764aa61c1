using HimPortal.Application.Completion.Aging.AgeRecords;
using HimPortal.Data;
using HimPortal.Data.Completion;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Completion;

/// <summary>
/// cc-aging's world: a database with the master data and one Synthea patient, with encounters of its own for
/// discharged stays; Stay and Deficiency rows written directly, as the analysis would leave them, so aging and the
/// numbers are tested on their own. Each test takes fresh practitioners and encounters, so tests in one class never count
/// each other's rows.
/// </summary>
public sealed class AgingWorld : IAsyncLifetime
{
    private readonly bool _ownsDatabase;

    public AgingWorld()
        : this(new TestDatabase(), ownsDatabase: true)
    {
    }

    private AgingWorld(TestDatabase database, bool ownsDatabase)
    {
        Database = database;
        _ownsDatabase = ownsDatabase;
    }

    /// <summary>A world on another fixture's database (the browser tests' web app), which that fixture disposes.</summary>
    public static AgingWorld On(TestDatabase database) => new(database, ownsDatabase: false);

    public TestDatabase Database { get; }

    public Guid PatientId { get; private set; }

    public string? Mrn { get; private set; }

    public async Task InitializeAsync()
    {
        if (_ownsDatabase)
        {
            await Database.InitializeAsync();
        }

        await ClinicalData.ImportAsync(Database, ClinicalData.Smallest);
        PatientId = await ClinicalData.PatientIdAsync(Database, ClinicalData.Smallest);
        Mrn = await Database.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{PatientId}'");
    }

    public Task DisposeAsync() => _ownsDatabase ? Database.DisposeAsync() : Task.CompletedTask;

    /// <summary>A practitioner no test has used yet: its key and NPI.</summary>
    public async Task<(Guid Id, string Npi)> PractitionerAsync()
    {
        var npi = await Database.ScalarAsync<string>("""
            SELECT pr.npi FROM clinical.practitioners pr WHERE pr.npi IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM completion.deficiencies d WHERE d.responsible_practitioner_id = pr.id)
              AND NOT EXISTS (SELECT 1 FROM completion.departments dep WHERE dep.chief_practitioner_id = pr.id)
              AND NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.practitioner_npi = pr.npi)
              AND NOT EXISTS (SELECT 1 FROM clinical.encounter_participants ep WHERE ep.practitioner_id = pr.id)
            ORDER BY pr.npi LIMIT 1
            """);
        var id = await Database.ScalarAsync<Guid>($"SELECT id FROM clinical.practitioners WHERE npi = '{npi}' LIMIT 1");
        // Taken: a placeholder department row marks it used even before it owes anything.
        await Database.ExecuteAsync($"INSERT INTO completion.departments (id, name, chief_practitioner_id) VALUES ('{Guid.NewGuid()}', 'taken {npi}', '{id}')");
        return (id, npi);
    }

    /// <summary>A stay on one of the patient's stored encounters no test has used yet, discharged and delinquent when given.</summary>
    public async Task<Guid> StayAsync(DateTimeOffset discharged, DateTimeOffset delinquentAt, string status = StayStatuses.Incomplete, DateTimeOffset? completedAt = null)
    {
        // An encounter row of its own, written here rather than imported: nothing queues it for analysis, so the stay
        // and deficiencies below stay exactly as the test wrote them even when the analysis job runs (the web app's).
        var encounter = Guid.CreateVersion7();
        await Database.ExecuteAsync($$"""
            INSERT INTO clinical.encounters (id, patient_id, status, class, period_start, period_end, fhir_id, resource, source_hash, imported_at)
            VALUES ('{{encounter}}', '{{PatientId}}', 'finished', 'IMP', '{{discharged.AddDays(-3):O}}', '{{discharged:O}}', 'aging-{{encounter:N}}', '{}', '\x00', now())
            """, Database.OwnerConnectionString);
        await WithDbAsync(async db =>
        {
            db.Stays.Add(new Stay
            {
                EncounterId = encounter,
                PatientId = PatientId,
                EncounterClass = "IMP",
                AdmittedAt = discharged.AddDays(-3),
                DischargedAt = discharged,
                Status = status,
                DelinquentAt = delinquentAt,
                AnalysedAt = discharged,
                CompletedAt = completedAt,
            });
            await db.SaveChangesAsync();
        });
        return encounter;
    }

    /// <summary>An open (or resolved) deficiency of the seeded rule <paramref name="ruleCode"/> on a stay, owed by a practitioner.</summary>
    public async Task<Guid> DeficiencyAsync(Guid encounter, Guid? practitioner, string ruleCode = "discharge-summary", string status = DeficiencyStatuses.Open)
    {
        var id = Guid.CreateVersion7();
        await WithDbAsync(async db =>
        {
            var rule = db.CompletionRules.Single(r => r.Code == ruleCode);
            var stay = db.Stays.Single(s => s.EncounterId == encounter);
            db.Deficiencies.Add(new Deficiency
            {
                Id = id,
                EncounterId = encounter,
                PatientId = stay.PatientId,
                RuleId = rule.Id,
                Key = $"{ruleCode}:{id:N}",
                Kind = DeficiencyKinds.MissingDocument,
                Description = $"{rule.Name} missing",
                ResponsiblePractitionerId = practitioner,
                Status = status,
                DischargedAt = stay.DischargedAt,
                DueAt = stay.DischargedAt.AddDays(1),
                CreatedAt = stay.DischargedAt,
            });
            await db.SaveChangesAsync();
        });
        return id;
    }

    public async Task ResolveAsync(Guid deficiency, DateTimeOffset at) =>
        await Database.ExecuteAsync($"UPDATE completion.deficiencies SET status = 'resolved', resolved_at = '{at:O}', resolution = 'signed' WHERE id = '{deficiency}'");

    /// <summary>A department with the chief and the physician as members.</summary>
    public async Task DepartmentAsync(string name, Guid chief, params Guid[] members)
    {
        var id = Guid.NewGuid();
        await Database.ExecuteAsync($"INSERT INTO completion.departments (id, name, chief_practitioner_id) VALUES ('{id}', '{name}', '{chief}')");
        foreach (var member in members)
        {
            await Database.ExecuteAsync($"INSERT INTO completion.department_members (practitioner_id, department_id) VALUES ('{member}', '{id}')");
        }
    }

    /// <summary>Runs the aging job's handler as of the clock (as the console: Completion.Run).</summary>
    public async Task<AgingRun> AgeAsync(TimeProvider clock)
    {
        await using var services = Database.Services(clock: clock);
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<AgeRecordsHandler>().HandleAsync(new AgeRecordsCommand(), CancellationToken.None);
        result.Error.ShouldBeNull();
        return result.Value!;
    }

    public async Task WithDbAsync(Func<HimDbContext, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var services = Database.Services();
        await using var scope = services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<HimDbContext>());
    }

    /// <summary>The notices sent to a practitioner, oldest first, as kind and key.</summary>
    public async Task<List<CompletionNotice>> NoticesToAsync(Guid practitioner)
    {
        List<CompletionNotice> notices = [];
        await WithDbAsync(async db =>
        {
            notices = [.. db.CompletionNotices.Where(n => n.PractitionerId == practitioner).OrderBy(n => n.SentAt).ThenBy(n => n.Key)];
            await Task.CompletedTask;
        });
        return notices;
    }
}
