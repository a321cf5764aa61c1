using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HimPortal.PopulationGenerator;

internal sealed record GeneratorSettings(long Persons, double DuplicateShare, double HardShare, int Seed, string Out, int PerBundle);

/// <summary>
/// Writes the population: transaction bundles of Patient resources (the import takes a transaction bundle as patient
/// data, a collection as master data), the truth files and a JSON summary.
/// </summary>
internal static class PopulationWriter
{
    /// <summary>This hospital's MRN system: the first identifier, of type MR, the one the import keeps as the MRN.</summary>
    public const string MrnSystem = "urn:oid:2.16.840.1.113883.3.9999.1";

    public static string Write(GeneratorSettings settings)
    {
        // The bundles get a folder of their own: `himportal import FOLDER` takes every *.json in it.
        var bundleFolder = Path.Combine(settings.Out, "bundles");
        Directory.CreateDirectory(bundleFolder);
        foreach (var old in Directory.GetFiles(bundleFolder, "patients-*.json"))
        {
            File.Delete(old);
        }

        var population = new Population(settings.Seed);
        var random = population.Random;
        using var truth = new StreamWriter(Path.Combine(settings.Out, "truth.csv"), false, new UTF8Encoding(false));
        using var hard = new StreamWriter(Path.Combine(settings.Out, "hard-pairs.csv"), false, new UTF8Encoding(false));
        truth.WriteLine("mrn,person,role");
        hard.WriteLine("a,b,kind");
        var pending = new List<PatientRecord>(settings.PerBundle + 2);
        var bundles = 0;
        long persons = 0, records = 0, duplicates = 0, hardPairs = 0, person = 0;
        var byKind = ErrorKinds.All.ToDictionary(k => k, _ => 0L, StringComparer.Ordinal);
        var byHard = HardKinds.All.ToDictionary(k => k, _ => 0L, StringComparer.Ordinal);
        long nextKind = 0, nextHard = 0;

        void Emit(PatientRecord record, long personId, string role)
        {
            pending.Add(record);
            records++;
            truth.Write(record.Mrn);
            truth.Write(',');
            truth.Write(personId.ToString(CultureInfo.InvariantCulture));
            truth.Write(',');
            truth.WriteLine(role);
            if (pending.Count >= settings.PerBundle)
            {
                WriteBundle(bundleFolder, ++bundles, pending);
                pending.Clear();
            }
        }

        while (persons < settings.Persons)
        {
            var x = random.NextDouble();
            if (x < settings.DuplicateShare)
            {
                var kind = ErrorKinds.All[nextKind++ % ErrorKinds.All.Length];
                var original = population.Person(kind);
                var duplicate = population.Duplicate(original, kind);
                Emit(original, person, "original");
                Emit(duplicate, person++, kind);
                persons++;
                duplicates++;
                byKind[kind]++;
            }
            else if (x < settings.DuplicateShare + settings.HardShare / 2 && persons + 2 <= settings.Persons)
            {
                var kind = HardKinds.All[nextHard++ % HardKinds.All.Length];
                var (a, b) = population.HardPair(kind);
                Emit(a, person++, "original");
                Emit(b, person++, "original");
                hard.WriteLine($"{a.Mrn},{b.Mrn},{kind}");
                persons += 2;
                hardPairs++;
                byHard[kind]++;
            }
            else
            {
                Emit(population.Person(), person++, "original");
                persons++;
            }
        }

        if (pending.Count > 0)
        {
            WriteBundle(bundleFolder, ++bundles, pending);
        }

        var summary = JsonSerializer.Serialize(new
        {
            persons, records, duplicates, hardPairs, bundles, seed = settings.Seed,
            duplicatesByKind = byKind, hardPairsByKind = byHard,
        });
        File.WriteAllText(Path.Combine(settings.Out, "summary.json"), summary + "\n");
        return summary;
    }

    private static void WriteBundle(string folder, int number, List<PatientRecord> records)
    {
        using var stream = File.Create(Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"patients-{number:000000}.json")));
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("resourceType", "Bundle");
        json.WriteString("type", "transaction");
        json.WriteStartArray("entry");
        foreach (var r in records)
        {
            json.WriteStartObject();
            json.WriteString("fullUrl", "urn:uuid:" + r.FhirId);
            json.WritePropertyName("resource");
            Patient(json, r);
            json.WriteStartObject("request");
            json.WriteString("method", "POST");
            json.WriteString("url", "Patient");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Patient(Utf8JsonWriter json, PatientRecord r)
    {
        json.WriteStartObject();
        json.WriteString("resourceType", "Patient");
        json.WriteString("id", r.FhirId);
        json.WriteStartArray("identifier");
        Identifier(json, "MR", "Medical Record Number", MrnSystem, r.Mrn);
        if (r.Ssn is { } ssn)
        {
            // Only the last four known: the usual masked form.
            Identifier(json, "SS", "Social Security Number", "http://hl7.org/fhir/sid/us-ssn", r.SsnLastFourOnly ? "XXX-XX-" + ssn[^4..] : ssn);
        }

        foreach (var (system, value) in r.OtherIds)
        {
            // Another facility's medical record number: type MR under that facility's system, after this hospital's.
            Identifier(json, "MR", "Medical Record Number", system, value);
        }

        json.WriteEndArray();
        json.WriteStartArray("name");
        json.WriteStartObject();
        json.WriteString("use", "official");
        json.WriteString("family", r.Family);
        json.WriteStartArray("given");
        json.WriteStringValue(r.Given);
        if (r.Middle is { } middle)
        {
            json.WriteStringValue(middle);
        }

        json.WriteEndArray();
        if (r.Suffix is { } suffix)
        {
            json.WriteStartArray("suffix");
            json.WriteStringValue(suffix);
            json.WriteEndArray();
        }

        json.WriteEndObject();
        if (r.MaidenName is { } maiden)
        {
            json.WriteStartObject();
            json.WriteString("use", "maiden");
            json.WriteString("family", maiden);
            json.WriteStartArray("given");
            json.WriteStringValue(r.Given);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (r.Phone is not null || r.Email is not null)
        {
            json.WriteStartArray("telecom");
            if (r.Phone is { } phone)
            {
                json.WriteStartObject();
                json.WriteString("system", "phone");
                json.WriteString("value", phone);
                json.WriteString("use", "home");
                json.WriteEndObject();
            }

            if (r.Email is { } email)
            {
                json.WriteStartObject();
                json.WriteString("system", "email");
                json.WriteString("value", email);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteString("gender", r.Sex);
        json.WriteString("birthDate", r.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        json.WriteStartArray("address");
        json.WriteStartObject();
        json.WriteStartArray("line");
        json.WriteStringValue(r.Line);
        json.WriteEndArray();
        json.WriteString("city", r.City);
        json.WriteString("state", r.State);
        json.WriteString("postalCode", r.Zip);
        json.WriteString("country", "US");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Identifier(Utf8JsonWriter json, string code, string display, string system, string value)
    {
        json.WriteStartObject();
        json.WriteStartObject("type");
        json.WriteStartArray("coding");
        json.WriteStartObject();
        json.WriteString("system", "http://terminology.hl7.org/CodeSystem/v2-0203");
        json.WriteString("code", code);
        json.WriteString("display", display);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteString("system", system);
        json.WriteString("value", value);
        json.WriteEndObject();
    }
}
