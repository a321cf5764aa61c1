using System.Formats.Tar;
using System.IO.Compression;
using Firely.Fhir.Validation;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using UglyToad.PdfPig;
using Task = System.Threading.Tasks.Task;

namespace HimPortal.Tests.Roi.Packets;

/// <summary>`himportal export` and the FHIR copy: the whole record as HIM's copy, PDF and FHIR, and the Bundle valid against US Core.</summary>
public sealed class ExportTests(PacketDatabase fixture) : IClassFixture<PacketDatabase>
{
    private TestDatabase Db => fixture.Database;

    private Task<string> MrnAsync() => Db.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{fixture.PatientId}'");

    [Fact]
    public async Task Export_writes_the_whole_record_as_a_PDF_with_the_HIM_copy_footer_and_is_audited()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "record.pdf");
        var run = await CliRunner.RunAsync(Db, null, "export", "--patient", await MrnAsync(), "--format", "pdf", "--out", file);
        run.ExitCode.ShouldBe(0, run.Error);
        run.Output.ShouldContain("sha256");
        var bytes = await File.ReadAllBytesAsync(file);
        await Qpdf.CheckAsync(bytes);
        using var pdf = PdfDocument.Open(bytes);
        foreach (var page in pdf.GetPages())
        {
            page.Text.ShouldContain($"HIM copy  -  page {page.Number} of {pdf.NumberOfPages}");
        }

        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE action = 'export' AND patient_id = '{fixture.PatientId}' AND details LIKE 'HIM copy%'"))
            .ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Export_of_an_unknown_MRN_fails_with_a_message_and_writes_nothing()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "none.pdf");
        var run = await CliRunner.RunAsync(Db, null, "export", "--patient", "NO-SUCH-MRN", "--format", "fhir", "--out", file);
        run.ExitCode.ShouldNotBe(0);
        run.Error.ShouldContain("No patient has this MRN");
        File.Exists(file).ShouldBeFalse();
    }

    [Fact]
    public async Task Export_as_FHIR_is_a_Bundle_valid_against_US_Core()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "record.json");
        var run = await CliRunner.RunAsync(Db, null, "export", "--patient", await MrnAsync(), "--format", "fhir", "--out", file);
        run.ExitCode.ShouldBe(0, run.Error);
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(await File.ReadAllTextAsync(file));
        bundle.Type.ShouldBe(Bundle.BundleType.Collection);
        bundle.Entry.Count(e => e.Resource is Patient).ShouldBe(1);
        bundle.Entry.ShouldContain(e => e.Resource is Encounter);

        var validator = UsCoreValidator(folder.Path);
        var problems = new List<string>();
        var outcome = validator.Validate(bundle, null);
        problems.AddRange(outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"Bundle: {i.Details?.Text} @ {string.Join(",", i.Expression ?? [])}"));
        foreach (var entry in bundle.Entry)
        {
            // Synthea's resources name no profile (meta.profile), so each is validated against the US Core profile of its kind.
            if (UsCoreProfile(entry.Resource!) is not { } profile)
            {
                continue;
            }

            var result = validator.Validate(entry.Resource!, profile);
            problems.AddRange(result.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
                .Select(i => $"{entry.Resource!.TypeName} ({profile[(profile.LastIndexOf('/') + 1)..]}): {i.Details?.Text} @ {string.Join(",", i.Expression ?? [])}"));
        }

        problems.ShouldBeEmpty(string.Join("\n", problems.Distinct().Take(40)));
    }

    private const string UsCore = "http://hl7.org/fhir/us/core/StructureDefinition/";

    private static string? UsCoreProfile(Resource resource) => resource switch
    {
        Patient => UsCore + "us-core-patient",
        Encounter => UsCore + "us-core-encounter",
        Condition => UsCore + "us-core-condition",
        Procedure => UsCore + "us-core-procedure",
        MedicationRequest => UsCore + "us-core-medicationrequest",
        Immunization => UsCore + "us-core-immunization",
        DocumentReference => UsCore + "us-core-documentreference",
        DiagnosticReport r when r.Category.Any(c => c.Coding.Any(x => x.Code == "LAB")) => UsCore + "us-core-diagnosticreport-lab",
        DiagnosticReport => UsCore + "us-core-diagnosticreport-note",
        Observation o when o.Category.Any(c => c.Coding.Any(x => x.Code == "laboratory")) => UsCore + "us-core-observation-lab",
        _ => null,
    };

    internal static Validator UsCoreValidator(string work)
    {
        var package = Path.Combine(work, "us-core");
        Directory.CreateDirectory(package);
        using (var gzip = new GZipStream(File.OpenRead(Path.Combine(Repository.Root, "tests/HimPortal.Tests/Roi/Packets/UsCore/hl7.fhir.us.core-3.1.1.tgz")), CompressionMode.Decompress))
        {
            TarFile.ExtractToDirectory(gzip, package, overwriteFiles: true);
        }

        var resolver = new CachedResolver(new SnapshotSource(new MultiResolver(
            new DirectorySource(Path.Combine(package, "package"), new DirectorySourceSettings { IncludeSubDirectories = false }),
            ZipSource.CreateValidationSource())));
        return new Validator(resolver, new LocalTerminologyService(resolver));
    }
}
