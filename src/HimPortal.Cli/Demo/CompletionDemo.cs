using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace HimPortal.Cli.Demo;

/// <summary>What the generator wrote: the bundles and the mix in them.</summary>
public sealed record CompletionDemoSummary(int Stays, int Patients, IReadOnlyDictionary<string, int> Mix, IReadOnlyList<string> Files);

/// <summary>
/// The chart-completion demo and test data (issue 18 item 5): Synthea's histories hold few recent stays, so this writes
/// one <see cref="StayBundle"/> per stay of recent hospital stays (discharged in the ~60 days before "today") for the
/// sample patients, with the mix chart completion meets: inpatient, observation, day surgery and emergency stays; the
/// H&amp;P signed, unsigned or missing; surgery with and without its operative report (42 CFR 482.51(b)(6)); discharge
/// summaries missing or unsigned; verbal and telephone orders (482.24(c)(2)); a few stays complete. The demo physician
/// attends or operates in about half. Seeded: the same seed and day write the same bundles byte for byte, with ids
/// derived from them, so importing again changes nothing. Every resource is tagged SYNTHETIC (StayBundle).
/// </summary>
public static class CompletionDemo
{
    public const string HistoryAndPhysical = "34117-2";
    public const string OperativeReport = "11504-8";
    public const string DischargeSummary = "18842-5";
    private const string SyntheaOrganizations = "https://github.com/synthetichealth/synthea";

    public static CompletionDemoSummary Write(string syntheaFolder, string outputFolder, DateOnly today, string? physicianNpi, int stays = 40, int seed = 18)
    {
        if (!Directory.Exists(syntheaFolder))
        {
            throw new DirectoryNotFoundException($"{syntheaFolder}: no such folder of Synthea bundles.");
        }

        var files = Directory.GetFiles(syntheaFolder, "*.json*").Order(StringComparer.Ordinal).ToList();
        var patients = files.Where(f => !Path.GetFileName(f).StartsWith("0-", StringComparison.Ordinal))
            .Select(f => Resources(f).FirstOrDefault(r => (string?)r["resourceType"] == "Patient"))
            .OfType<JsonObject>().Take(12).ToList();
        var npis = files.Where(f => Path.GetFileName(f).StartsWith("0-practitionerInformation", StringComparison.Ordinal))
            .SelectMany(Resources).Where(r => (string?)r["resourceType"] == "Practitioner")
            .Select(r => r["identifier"]?.AsArray().Select(i => (string?)i?["value"]).FirstOrDefault()).OfType<string>()
            .Where(n => n != physicianNpi).Order(StringComparer.Ordinal).Take(12).ToList();
        var facilities = files.Where(f => Path.GetFileName(f).StartsWith("0-hospitalInformation", StringComparison.Ordinal))
            .SelectMany(Resources).Where(r => (string?)r["resourceType"] == "Organization")
            .Select(r => (string?)r["id"]).OfType<string>().Order(StringComparer.Ordinal).Take(3).ToList();
        if (patients.Count == 0 || npis.Count == 0)
        {
            throw new InvalidDataException($"{syntheaFolder}: no patients or practitioners in the Synthea bundles.");
        }

        Directory.CreateDirectory(outputFolder);
        foreach (var old in Directory.GetFiles(outputFolder, "stay-*.json"))
        {
            File.Delete(old);
        }

        var random = new Random(seed);
        var mix = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var written = new List<string>();
        var midnight = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        for (var i = 0; i < stays; i++)
        {
            var patient = patients[i % patients.Count];
            var kind = random.Next(100) switch { < 50 => "IMP", < 65 => "OBSENC", < 85 => "SS", _ => "EMER" };
            var discharged = midnight.AddDays(-random.Next(1, 61)).AddHours(random.Next(8, 20));
            var admitted = discharged - kind switch
            {
                "IMP" => TimeSpan.FromHours(random.Next(48, 144)),
                "OBSENC" => TimeSpan.FromHours(random.Next(18, 40)),
                "SS" => TimeSpan.FromHours(random.Next(6, 10)),
                _ => TimeSpan.FromHours(random.Next(3, 8)),
            };
            string Pick() => StayBundle.Practitioner(npis[random.Next(npis.Count)]);
            var attending = physicianNpi is not null && random.Next(100) < 50 ? StayBundle.Practitioner(physicianNpi) : Pick();
            var facility = facilities.Count == 0 ? null : $"Organization?identifier={SyntheaOrganizations}|{facilities[random.Next(facilities.Count)]}";
            var id = StayBundle.DerivedId(string.Create(CultureInfo.InvariantCulture, $"completion-demo/{seed}/{today:yyyy-MM-dd}/{i}"));
            var stay = new StayBundle((JsonObject)patient.DeepClone(), id, kind, admitted, discharged, facility);
            stay.Participant(attending, "ATND");
            stay.Participant(random.Next(100) < 70 ? attending : Pick(), "ADM");
            if (kind == "IMP")
            {
                stay.Participant(attending, "DIS");
            }

            // One stay in eight has everything present and signed: the complete records the numbers count against.
            var complete = i % 8 == 7;
            Count(mix, "class:" + kind);
            Count(mix, complete ? "complete" : "incomplete");
            if (kind != "EMER")
            {
                Documented(stay, mix, random, complete, "hp", HistoryAndPhysical, "History and physical note", admitted.AddHours(random.Next(1, 20)), attending,
                    "History and physical");
            }

            if (kind == "SS" || (kind == "IMP" && random.Next(100) < 40))
            {
                var surgeon = random.Next(100) < 60 ? attending : Pick();
                var start = admitted.AddHours(kind == "SS" ? 2 : random.Next(22, 30));
                stay.Procedure("80146002", "Appendectomy", start, start.AddHours(1), surgeon);
                Count(mix, "surgery");
                Documented(stay, mix, random, complete, "operative-report", OperativeReport, "Surgical operation note", start.AddHours(2), surgeon,
                    "Operative report: appendectomy");
            }

            if (kind == "IMP")
            {
                Documented(stay, mix, random, complete, "discharge-summary", DischargeSummary, "Discharge summary", discharged.AddHours(random.Next(1, 48)), attending,
                    "Discharge summary");
            }

            if (!complete && random.Next(100) < 30)
            {
                var mode = random.Next(100) < 70 ? "VERBAL" : "PHONE";
                stay.Order("313782", "Acetaminophen 325 MG Oral Tablet", admitted.AddHours(3), attending, mode);
                Count(mix, "order:" + mode.ToLowerInvariant());
            }

            var path = Path.Combine(outputFolder, string.Create(CultureInfo.InvariantCulture, $"stay-{i:000}.json"));
            File.WriteAllBytes(path, stay.ToUtf8());
            written.Add(path);
        }

        return new CompletionDemoSummary(stays, Math.Min(stays, patients.Count), mix, written);
    }

    /// <summary>A document of the stay: signed, unsigned or missing (always signed in a complete stay).</summary>
    private static void Documented(StayBundle stay, IDictionary<string, int> mix, Random random, bool complete, string label, string loinc, string display,
        DateTimeOffset date, string author, string title)
    {
        var roll = complete ? 0 : random.Next(100);
        if (roll >= 70)
        {
            Count(mix, label + ":missing");
            return;
        }

        var signed = roll < 45;
        Count(mix, label + (signed ? ":signed" : ":unsigned"));
        stay.Document(loinc, display, date, author, authenticated: signed,
            $"SYNTHETIC demonstration data, not a real patient. {title} written for the chart-completion demo.");
    }

    private static void Count(IDictionary<string, int> mix, string key) => mix[key] = mix.TryGetValue(key, out var n) ? n + 1 : 1;

    /// <summary>The resources of a Synthea bundle (gzip-compressed or not).</summary>
    private static IEnumerable<JsonObject> Resources(string path)
    {
        using var file = File.OpenRead(path);
        using Stream content = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        var bundle = JsonNode.Parse(content)?.AsObject();
        return bundle?["entry"]?.AsArray().Select(e => e?["resource"]).OfType<JsonObject>().ToList() ?? [];
    }
}
