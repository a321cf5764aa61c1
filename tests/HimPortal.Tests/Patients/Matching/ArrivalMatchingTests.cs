using System.Text;
using System.Text.Json.Nodes;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Application.Jobs;
using HimPortal.Application.Patients.Matching;
using HimPortal.Data;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Patients.Matching;

/// <summary>
/// Matching where it runs (issue 16 item 2): the import keeps match keys and queues the arrival job; a second
/// registration of a Synthea patient (new id, new MRN, no clinical data) lands on the worklist or is linked; the guards;
/// a remembered "not the same person"; the full scan. Each test has a database of its own with Cortés imported.
/// </summary>
public sealed class ArrivalMatchingTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();
    private Guid cortes;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        await ClinicalData.ImportAsync(database, ClinicalData.Cortes);
        cortes = await ClinicalData.PatientIdAsync(database, ClinicalData.Cortes);
    }

    public Task DisposeAsync() => database.DisposeAsync();

    /// <summary>The Patient resource of Cortés alone under a new id and MRN: a second registration of the same person.</summary>
    private Task<Guid> ImportDuplicateAsync(Action<JsonObject>? change = null) => ImportDuplicateAsync(database, change);

    /// <summary>Imports a second registration of Cortés (Patient alone, new id and MRN), <paramref name="change"/>d; returns its record id.</summary>
    internal static async Task<Guid> ImportDuplicateAsync(TestDatabase database, Action<JsonObject>? change = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var id = Guid.NewGuid().ToString();
        var bundle = JsonNode.Parse(SyntheaData.ReadJsonText(SyntheaData.PatientBundle(ClinicalData.Cortes)))!;
        var patient = bundle["entry"]!.AsArray().Select(e => e!["resource"]!).First(r => (string?)r["resourceType"] == "Patient").DeepClone().AsObject();
        patient["id"] = id;
        foreach (var identifier in patient["identifier"]!.AsArray())
        {
            if (identifier!["value"]!.GetValue<string>() == ClinicalData.Cortes)
            {
                identifier["value"] = id;
            }
        }

        change?.Invoke(patient);
        var duplicate = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "transaction",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["fullUrl"] = "urn:uuid:" + id,
                ["resource"] = patient,
                ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Patient" },
            }),
        };
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var summary = await scope.ServiceProvider.GetRequiredService<ImportBundlesHandler>().HandleAsync(
            new ImportBundlesCommand([BundleFile.FromBytes(id + ".json", Encoding.UTF8.GetBytes(duplicate.ToJsonString()))]), CancellationToken.None);
        summary.Value!.Files.Where(f => !f.Ok).Select(f => f.Error).ShouldBeEmpty();
        return await ClinicalData.PatientIdAsync(database, id);
    }

    private async Task SetAutoLinkAsync(bool on)
    {
        await using (var services = database.Services())
        await using (var scope = services.CreateAsyncScope())
        {
            await MatchSettingsStore.ReadAsync(scope.ServiceProvider.GetRequiredService<HimDbContext>(), CancellationToken.None);
        }

        await database.ExecuteAsync($"UPDATE mpi.match_settings SET auto_link_enabled = {on}");
    }

    /// <summary>Runs the arrival job the import queued for <paramref name="patient"/>, as the job runner would.</summary>
    private async Task RunArrivalJobAsync(Guid patient)
    {
        var payload = await database.ScalarAsync<string>(
            $"SELECT payload::text FROM jobs.jobs WHERE kind = '{ArrivalMatching.Kind}' AND payload::text LIKE '%{patient}%' ORDER BY requested_at DESC LIMIT 1");
        payload.ShouldNotBeNull();
        payload.ShouldNotContain("Armando", Case.Insensitive);
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var job = scope.ServiceProvider.GetRequiredService<MatchArrivalsJob>();
        (await job.RunAsync(new JobContext(Guid.NewGuid(), ArrivalMatching.Kind, 1, payload), CancellationToken.None)).ShouldBe(JobOutcome.Succeeded);
    }

    private Task<string> PairAsync(Guid other, string column = "status") =>
        database.ScalarAsync<string>($"""
            SELECT {column}::text FROM mpi.candidate_pairs
            WHERE (record_a = '{cortes}' AND record_b = '{other}') OR (record_a = '{other}' AND record_b = '{cortes}')
            """);

    [Fact]
    public async Task The_import_keeps_match_keys_and_a_second_registration_lands_on_the_worklist_when_auto_linking_is_off()
    {
        await SetAutoLinkAsync(false);
        (await database.ScalarAsync<string>($"SELECT given || ' ' || family || ' ' || family_phonetic || ' ' || ssn FROM mpi.match_keys WHERE patient_id = '{cortes}'"))
            .ShouldBe("armando cortes KRTS 999514593");
        (await database.ScalarAsync<int>("SELECT records FROM mpi.name_frequencies WHERE kind = 'family' AND value = 'cortes'")).ShouldBe(1);

        var duplicate = await ImportDuplicateAsync();
        await RunArrivalJobAsync(duplicate);

        (await PairAsync(duplicate)).ShouldBe("review");
        (await PairAsync(duplicate, "source")).ShouldBe("arrival");
        (await PairAsync(duplicate, "reason")).ShouldBe("above the auto-link threshold; auto-linking is off");
        (await database.ScalarAsync<long>($"SELECT count(*) FROM mpi.person_links")).ShouldBe(0);
        (await database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE resource_type = '{MatchOutcomes.AuditResource}' AND details LIKE '%to the worklist%'")).ShouldBe(1);
    }

    [Fact]
    public async Task With_auto_linking_on_a_second_registration_without_clinical_data_is_linked()
    {
        await SetAutoLinkAsync(true);
        var duplicate = await ImportDuplicateAsync();
        await RunArrivalJobAsync(duplicate);

        (await PairAsync(duplicate)).ShouldBe("linked");
        (await database.ScalarAsync<long>($"SELECT count(DISTINCT person_id) FROM mpi.person_links WHERE unlinked_at IS NULL AND patient_id IN ('{cortes}', '{duplicate}')")).ShouldBe(1);
        (await database.ScalarAsync<long>("SELECT count(*) FROM mpi.pair_decisions WHERE decision = 'auto-linked' AND user_id IS NULL")).ShouldBe(1);
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<PatientMatcher>().CandidatesAsync(cortes, CancellationToken.None)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("sex", "sexes disagree")]
    [InlineData("temporary", "temporary name")]
    [InlineData("restricted", "restricted record (VIP or employee)")]
    [InlineData("ssn", "social security numbers disagree")]
    [InlineData("middle", "given name agrees only as a middle name or initial")]
    [InlineData("typo-no-identifier", "given names differ and no personal identifier agrees")]
    public async Task A_guard_keeps_a_pair_above_the_auto_link_threshold_on_the_worklist(string guard, string reason)
    {
        await SetAutoLinkAsync(true);
        if (guard == "restricted")
        {
            await database.ExecuteAsync($"INSERT INTO access.patient_restrictions (patient_id, vip, employee, updated_at) VALUES ('{cortes}', true, false, now())");
        }

        var duplicate = await ImportDuplicateAsync(patient =>
        {
            if (guard == "sex")
            {
                patient["gender"] = "female";
            }
            else if (guard == "typo-no-identifier")
            {
                // A misspelt first name and no SSN, licence or passport to confirm it: twins at one address look the same.
                var name = patient["name"]!.AsArray()[0]!.AsObject();
                name["given"] = new JsonArray(name["given"]!.AsArray()[0]!.GetValue<string>() + "x");
                patient["identifier"] = new JsonArray([.. patient["identifier"]!.AsArray()
                    .Where(i => i!["type"]?["coding"]?[0]?["code"]?.GetValue<string>() == "MR").Select(i => i!.DeepClone())]);
            }
            else if (guard == "middle")
            {
                // Registered under another first name with Cortés's as the middle name: a twin's pattern as much as a duplicate's.
                var name = patient["name"]!.AsArray()[0]!.AsObject();
                name["given"] = new JsonArray("Zebulon", name["given"]!.AsArray()[0]!.GetValue<string>());
            }
            else if (guard == "ssn")
            {
                foreach (var identifier in patient["identifier"]!.AsArray())
                {
                    if ((string?)identifier!["system"] == "http://hl7.org/fhir/sid/us-ssn")
                    {
                        identifier["value"] = "999-12-3456";
                    }
                }
            }
            else if (guard == "temporary")
            {
                patient["name"] = new JsonArray(new JsonObject { ["use"] = "official", ["family"] = "Boy", ["given"] = new JsonArray("Baby") });
            }
        });
        await RunArrivalJobAsync(duplicate);

        (await PairAsync(duplicate)).ShouldBe("review");
        (await PairAsync(duplicate, "reason")).ShouldBe("not auto-linked: " + reason);
        (await database.ScalarAsync<long>("SELECT count(*) FROM mpi.person_links")).ShouldBe(0);
    }

    [Fact]
    public async Task A_pair_remembered_as_not_the_same_person_is_never_proposed_again_by_arrival_or_scan()
    {
        await SetAutoLinkAsync(false);
        var duplicate = await ImportDuplicateAsync();
        await RunArrivalJobAsync(duplicate);
        (await PairAsync(duplicate)).ShouldBe("review");
        await database.ExecuteAsync($"UPDATE mpi.candidate_pairs SET status = 'not-duplicate' WHERE record_a IN ('{cortes}', '{duplicate}')");
        await SetAutoLinkAsync(true);

        await RunArrivalJobAsync(duplicate);
        await using var services = database.Services();
        await using (var scope = services.CreateAsyncScope())
        {
            var scan = await scope.ServiceProvider.GetRequiredService<ScanIndexHandler>().HandleAsync(new ScanIndexCommand(ListPairs: true), CancellationToken.None);
            scan.Value!.Pairs.ShouldBeEmpty();
            scan.Value.Patients.ShouldBe(2);
        }

        await using (var scope = services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<PatientMatcher>().CandidatesAsync(duplicate, CancellationToken.None)).ShouldBeEmpty();
        }

        (await PairAsync(duplicate)).ShouldBe("not-duplicate");
        (await database.ScalarAsync<long>("SELECT count(*) FROM mpi.candidate_pairs")).ShouldBe(1);
        (await database.ScalarAsync<long>("SELECT count(*) FROM mpi.person_links")).ShouldBe(0);
    }

    [Fact]
    public async Task The_full_scan_finds_a_duplicate_the_arrival_missed_and_lists_it_by_MRN()
    {
        await SetAutoLinkAsync(false);
        var duplicate = await ImportDuplicateAsync(patient => patient["name"]![0]!["given"] = new JsonArray("Armondo"));
        await database.ExecuteAsync($"UPDATE jobs.jobs SET status = 'cancelled' WHERE kind = '{ArrivalMatching.Kind}'");

        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var scan = await scope.ServiceProvider.GetRequiredService<ScanIndexHandler>().HandleAsync(new ScanIndexCommand(ListPairs: true), CancellationToken.None);

        scan.IsSuccess.ShouldBeTrue(scan.Error?.Message);
        var pair = scan.Value!.Pairs.ShouldHaveSingleItem();
        new[] { pair.A, pair.B }.ShouldBe(new[] { ClinicalData.Cortes, await database.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{duplicate}'") }, ignoreOrder: true);
        pair.Outcome.ShouldBe("review");
        (await PairAsync(duplicate, "source")).ShouldBe("scan");
        (await database.ScalarAsync<int>("SELECT review FROM mpi.scan_runs ORDER BY id DESC LIMIT 1")).ShouldBe(1);
    }

    [Fact]
    public async Task A_probe_from_the_indexing_screen_finds_the_record_by_name_and_birth_date()
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var candidates = await scope.ServiceProvider.GetRequiredService<PatientMatcher>().CandidatesForAsync(
            new MatchProbe("Armando", "Cortes", new DateOnly(1961, 7, 15), "male"), CancellationToken.None);
        candidates.ShouldHaveSingleItem().PatientId.ShouldBe(cortes);
    }
}
