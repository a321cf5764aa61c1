using System.Globalization;
using HimPortal.PopulationGenerator;

// himportal-population: a synthetic patient population for the MPI benchmark (issue 16 item 6; scripts/bench-mpi.sh).
// Writes FHIR R4 transaction bundles of Patient resources that `himportal import` takes, and the truth: which records
// are one person (truth.csv) and which pairs are hard non-duplicates (hard-pairs.csv). Deterministic for a seed.
var options = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["--persons"] = "1000000", ["--duplicates"] = "0.05", ["--hard"] = "0.01", ["--seed"] = "16", ["--out"] = "population",
    ["--per-bundle"] = "2000",
};
for (var i = 0; i < args.Length; i++)
{
    if (!options.ContainsKey(args[i]) || i + 1 >= args.Length)
    {
        await Console.Error.WriteLineAsync("usage: himportal-population [--persons N] [--duplicates SHARE] [--hard SHARE] [--seed N] [--out DIR] [--per-bundle N]");
        await Console.Error.WriteLineAsync("  --duplicates: share of persons registered twice, each second record made with one kind of error");
        await Console.Error.WriteLineAsync("  --hard: share of persons in hard non-duplicate pairs (twins, father and son Jr./Sr., very common names)");
        return 2;
    }

    options[args[i]] = args[++i];
}

var settings = new GeneratorSettings(
    long.Parse(options["--persons"], CultureInfo.InvariantCulture),
    double.Parse(options["--duplicates"], CultureInfo.InvariantCulture),
    double.Parse(options["--hard"], CultureInfo.InvariantCulture),
    int.Parse(options["--seed"], CultureInfo.InvariantCulture),
    options["--out"],
    int.Parse(options["--per-bundle"], CultureInfo.InvariantCulture));
var summary = PopulationWriter.Write(settings);
Console.WriteLine(summary);
return 0;
