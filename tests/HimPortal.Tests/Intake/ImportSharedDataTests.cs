using System.Text.Json;
using System.Text.Json.Nodes;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Intake;

/// <summary>
/// `himportal import` on real Synthea bundles: patient bundles before their master data, counts that match the files,
/// a second run that changes nothing, a changed resource that is updated, and a bad file that fails alone. Run by the
/// JIT CLI (this class) and by the native himportal that ships (<see cref="NativeImportSharedDataTests"/>).
/// </summary>
public class ImportSharedDataTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("himportal-import-").FullName;

    private static readonly string[] Patients =
    [
        "8a4c9c04-1524-9f1c-d65b-9b17e4520fef", // 3 encounters
        "8dd4ed1f-108e-64ad-ce09-926c83ce7f76", // Armando Cortés: non-ASCII name
        "9a174f9e-ed67-6617-0106-745fb1f9a344", // has an ImagingStudy
    ];

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs `himportal ARGS` against the test database.</summary>
    protected virtual Task<CliRunner.Run> RunCliAsync(string[] args) => CliRunner.RunAsync(database, null, args);

    [Fact]
    public async Task Imports_whole_bundles_in_any_order_idempotently_and_updates_what_changed()
    {
        // Patient bundles named to sort before the master data: the importer must order them itself.
        foreach (var patient in Patients)
        {
            SyntheaData.WriteJson(SyntheaData.PatientBundle(patient), _folder, $"a-{patient}.json");
        }

        // Practitioner roles refer to the hospital bundle's organizations: name them so the roles come first, and the
        // importer has to retry them after the organizations.
        SyntheaData.WriteJson(SyntheaData.PractitionerBundle, _folder, "y-practitioners.json");
        SyntheaData.WriteJson(SyntheaData.HospitalBundle, _folder, "z-hospital.json");
        var expected = ExpectedCounts(Directory.GetFiles(_folder));

        var first = await ImportAsync(_folder);
        first.ExitCode.ShouldBe(0, first.Error);
        var summary = JsonNode.Parse(first.Output)!;
        summary["files"]!.AsArray().Count.ShouldBe(5);
        summary["files"]!.AsArray().ShouldAllBe(f => f!["ok"]!.GetValue<bool>());
        Counts(summary["created"]).ShouldBe(expected.Stored);
        Counts(summary["skipped"]).ShouldBe(expected.Skipped);
        Counts(summary["updated"]).ShouldBeEmpty();

        (await Count("clinical.patients")).ShouldBe(3);
        (await Count("clinical.encounters")).ShouldBe(expected.Stored["Encounter"]);
        (await Count("clinical.observations")).ShouldBe(expected.Stored["Observation"]);
        (await Count("clinical.clinical_notes WHERE text LIKE '%Patient%'")).ShouldBeGreaterThan(0);
        (await Count("clinical.clinical_notes WHERE text IS NULL")).ShouldBe(0);
        (await Count("clinical.patients WHERE search_name LIKE '%cortes%'")).ShouldBe(1);
        (await Count("clinical.observations WHERE category = 'laboratory' AND value_quantity IS NOT NULL AND flag IS NULL")).ShouldBe(0);
        (await Count("clinical.imaging_studies WHERE modality IS NOT NULL AND series_count >= 1 AND instance_count >= 1")).ShouldBeGreaterThan(0);
        (await Count("clinical.diagnostic_report_results")).ShouldBeGreaterThan(0);
        // Every encounter participant is a stored practitioner: the treatment relationship is one indexed query.
        (await Count("clinical.encounter_participants p JOIN clinical.practitioners pr ON pr.id = p.practitioner_id")).ShouldBe(
            await Count("clinical.encounter_participants"));
        (await Count("audit.access_events WHERE action = 'create' AND resource_type = 'Bundle' AND outcome = 'success'")).ShouldBe(5);

        var again = await ImportAsync(_folder);
        again.ExitCode.ShouldBe(0, again.Error);
        var second = JsonNode.Parse(again.Output)!;
        Counts(second["created"]).ShouldBeEmpty();
        Counts(second["updated"]).ShouldBeEmpty();
        Counts(second["unchanged"]).ShouldBe(expected.Stored);

        // The same observation with a different value is an update; its bundle's other resources stay unchanged.
        var changedFile = Path.Combine(_folder, $"a-{Patients[0]}.json");
        var bundle = JsonNode.Parse(await File.ReadAllTextAsync(changedFile))!;
        var observation = bundle["entry"]!.AsArray().Select(e => e!["resource"]!)
            .First(r => (string?)r["resourceType"] == "Observation" && r["valueQuantity"] is not null);
        observation["valueQuantity"]!["value"] = 123.4m;
        await File.WriteAllTextAsync(changedFile, bundle.ToJsonString());
        var third = await ImportAsync(changedFile);
        third.ExitCode.ShouldBe(0, third.Error);
        Counts(JsonNode.Parse(third.Output)!["updated"]).ShouldBe(new SortedDictionary<string, int>(StringComparer.Ordinal) { ["Observation"] = 1 });
        (await database.ScalarAsync<decimal>($"SELECT value_quantity FROM clinical.observations WHERE fhir_id = '{(string)observation["id"]!}'"))
            .ShouldBe(123.4m);

        // One bad file fails alone: the exit code says so, the good one (gzip-compressed, as the repository keeps it) still imports.
        var bad = Path.Combine(_folder, "broken.json");
        await File.WriteAllTextAsync(bad, "{\"resourceType\": \"Bundle\", \"type\": ");
        var mixed = await ImportAsync(bad, SyntheaData.PatientBundle("53eac4c0-8d6b-72da-2768-a6d08e687f48"));
        mixed.ExitCode.ShouldBe(1);
        var files = JsonNode.Parse(mixed.Output)!["files"]!.AsArray();
        files.Single(f => ((string)f!["path"]!).EndsWith("broken.json", StringComparison.Ordinal))!["error"]!.GetValue<string>()
            .ShouldContain("not valid JSON");
        (await Count("clinical.patients")).ShouldBe(4);
    }

    private Task<CliRunner.Run> ImportAsync(params string[] paths) => RunCliAsync(["import", "--json", .. paths]);

    private Task<long> Count(string from) => database.ScalarAsync<long>("SELECT count(*) FROM " + from);

    private static SortedDictionary<string, int> Counts(JsonNode? node) =>
        new(node!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>()), StringComparer.Ordinal);

    /// <summary>What the files hold, counted independently of the importer.</summary>
    private static (SortedDictionary<string, int> Stored, SortedDictionary<string, int> Skipped) ExpectedCounts(IEnumerable<string> files)
    {
        string[] stored =
        [
            "Patient", "Practitioner", "PractitionerRole", "Organization", "Location", "Encounter", "Condition", "Observation",
            "DiagnosticReport", "DocumentReference", "MedicationRequest", "Medication", "MedicationAdministration",
            "AllergyIntolerance", "Immunization", "Procedure", "ImagingStudy", "CareTeam", "CarePlan",
        ];
        var counts = files
            .SelectMany(f => JsonDocument.Parse(File.ReadAllBytes(f)).RootElement.GetProperty("entry").EnumerateArray()
                .Select(e => e.GetProperty("resource").GetProperty("resourceType").GetString()!))
            .GroupBy(t => t)
            .ToDictionary(g => g.Key, g => g.Count());
        return (new(counts.Where(c => stored.Contains(c.Key)).ToDictionary(), StringComparer.Ordinal),
                new(counts.Where(c => !stored.Contains(c.Key)).ToDictionary(), StringComparer.Ordinal));
    }
}

/// <summary>
/// The same import, by the native himportal (NativeAOT, ADR 0012) that the Dockerfile and the benchmark ship; and the
/// commands it hands to the JIT CLI beside it, with their output and exit codes passed through.
/// </summary>
public sealed class NativeImportSharedDataTests(TestDatabase database) : ImportSharedDataTests(database)
{
    private readonly TestDatabase _database = database;

    protected override Task<CliRunner.Run> RunCliAsync(string[] args) => CliRunner.RunNativeAsync(_database, args);

    [Fact]
    public async Task Hands_every_other_command_to_the_JIT_CLI()
    {
        var migrate = await CliRunner.RunNativeAsync(_database, "migrate");
        migrate.ExitCode.ShouldBe(0, migrate.Error);
        migrate.Output.ShouldContain("Schema is up to date.");

        var help = await CliRunner.RunNativeAsync(_database, "--help");
        help.ExitCode.ShouldBe(0, help.Error);
        help.Output.ShouldContain("migrate");
        help.Output.ShouldContain("users");
        help.Output.ShouldContain("import");

        var unknown = await CliRunner.RunNativeAsync(_database, "users", "no-such-subcommand");
        unknown.ExitCode.ShouldNotBe(0);

        // Standard input reaches the JIT CLI too (users add --password-stdin, as docker compose run -T uses it).
        var add = await CliRunner.RunNativeWithInputAsync(_database, "lantern-orchard-velvet-marble", "users", "add",
            "--email", "native.clerk@hospital.example", "--role", "HimClerk", "--password-stdin");
        add.ExitCode.ShouldBe(0, add.Error);
        add.Output.ShouldNotContain("Password:");
        (await _database.ScalarAsync<long>("SELECT count(*) FROM identity.users WHERE email = 'native.clerk@hospital.example'")).ShouldBe(1);
        var refused = await CliRunner.RunNativeWithInputAsync(_database, "short", "users", "add",
            "--email", "native.other@hospital.example", "--role", "HimClerk", "--password-stdin");
        refused.ExitCode.ShouldNotBe(0);
        refused.Error.ShouldContain("at least 15 characters");

        // A database that cannot be reached: the native import reports it plainly, with exit 1.
        var offline = await CliRunner.RunNativeAsync(new Unreachable(), "import", "--json", SyntheaData.HospitalBundle);
        offline.ExitCode.ShouldBe(1);
        offline.Error.ShouldContain("error: the database could not be reached");
    }

    [Fact]
    public async Task Runs_import_itself_and_says_so_when_the_JIT_CLI_is_missing()
    {
        // The native binary alone, without its jit/ folder: the import still runs (it is not handed on), the rest cannot.
        // A database of its own, so that this import does not change what the shared scenario finds.
        var alone = Directory.CreateTempSubdirectory("himportal-native-alone-").FullName;
        var own = new TestDatabase();
        await own.InitializeAsync();
        try
        {
            var published = Path.GetDirectoryName(await NativeCli.ExecutableAsync())!;
            foreach (var file in new[] { "himportal", "himportal.settings.json" })
                File.Copy(Path.Combine(published, file), Path.Combine(alone, file));
            var executable = Path.Combine(alone, "himportal");

            var import = await RunAsync(executable, own, "import", "--json", SyntheaData.HospitalBundle);
            import.ExitCode.ShouldBe(0, import.Error);
            System.Text.Json.Nodes.JsonNode.Parse(import.Output)!["files"]!.AsArray().Single()!["ok"]!.GetValue<bool>().ShouldBeTrue();

            (await own.ScalarAsync<long>("SELECT count(*) FROM clinical.organizations")).ShouldBeGreaterThan(0);

            var migrate = await RunAsync(executable, own, "migrate");
            migrate.ExitCode.ShouldBe(1);
            migrate.Error.ShouldContain("which is missing");
        }
        finally
        {
            Directory.Delete(alone, recursive: true);
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task Passes_a_stop_request_on_to_the_JIT_CLI()
    {
        // A forwarded command that runs for many minutes (audit generate, in a database of its own): SIGTERM to the native
        // process, as `docker stop` sends it, must stop the JIT CLI doing the work, and the native process with it.
        var own = new TestDatabase();
        await own.InitializeAsync();
        var start = new System.Diagnostics.ProcessStartInfo(await NativeCli.ExecutableAsync())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "audit", "generate", "--rows", "50000000", "--confirm-database", own.Name })
            start.ArgumentList.Add(arg);
        start.Environment["ConnectionStrings__HimPortal"] = own.AppConnectionString;
        start.Environment["ConnectionStrings__HimPortalAdmin"] = own.OwnerConnectionString;
        using var native = System.Diagnostics.Process.Start(start)!;
        var output = native.StandardOutput.ReadToEndAsync();
        var error = native.StandardError.ReadToEndAsync();
        var child = await ChildOfAsync(native.Id);
        try
        {
            child.ShouldNotBeNull("the JIT CLI did not start");
            await Task.Delay(TimeSpan.FromSeconds(3));
            Directory.Exists($"/proc/{child}").ShouldBeTrue("the JIT CLI ended before it was asked to stop");
            using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", native.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
                await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await native.WaitForExitAsync(timeout.Token);

            Directory.Exists($"/proc/{child}").ShouldBeFalse("the JIT CLI is still running");
            native.ExitCode.ShouldBe(130, await error);
            (await error).ShouldContain("error: stopped before the command finished");
            await output;
        }
        finally
        {
            foreach (var pid in new[] { native.Id, child ?? 0 }.Where(p => p > 0 && Directory.Exists($"/proc/{p}")))
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            await own.DisposeAsync();
        }
    }

    /// <summary>The first child process of <paramref name="parent"/>, waited for up to 30 seconds.</summary>
    private static async Task<int?> ChildOfAsync(int parent)
    {
        var children = $"/proc/{parent}/task/{parent}/children";
        for (var tries = 0; tries < 300; tries++)
        {
            if (File.Exists(children) && (await File.ReadAllTextAsync(children)).Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var first, ..])
                return int.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(100);
        }

        return null;
    }

    private static async Task<CliRunner.Run> RunAsync(string executable, TestDatabase database, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["ConnectionStrings__HimPortal"] = database.AppConnectionString;
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliRunner.Run(process.ExitCode, await output, await error);
    }

    private sealed class Unreachable : IDatabaseConnections
    {
        public string AppConnectionString => "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=2";

        public string OwnerConnectionString => AppConnectionString;
    }
}
