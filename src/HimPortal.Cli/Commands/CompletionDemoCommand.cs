using System.CommandLine;
using System.Globalization;
using HimPortal.Cli.Demo;

namespace HimPortal.Cli.Commands;

/// <summary>`himportal completion demo`: recent synthetic stays for chart completion's demo and tests (issue 18 item 5).</summary>
public static class CompletionDemoCommand
{
    public static Command Create()
    {
        var synthea = new Option<string>("--synthea") { Description = "The Synthea bundles the sample patients came from.", DefaultValueFactory = _ => "data/synthea-r4" };
        var output = new Option<string>("--out") { Description = "Where to write the bundles (one per stay; earlier stay-*.json there are replaced).", Required = true };
        var npi = new Option<string?>("--physician-npi") { Description = "The demo physician's NPI: they attend or operate in about half the stays." };
        var today = new Option<string?>("--today") { Description = "The day the stays are recent to (yyyy-mm-dd; default: today, UTC)." };
        var count = new Option<int>("--stays") { Description = "How many stays.", DefaultValueFactory = _ => 40 };
        var seed = new Option<int>("--seed") { Description = "The seed: the same seed and day write the same bundles.", DefaultValueFactory = _ => 18 };
        var demo = new Command("demo",
            "Write FHIR bundles of recent synthetic hospital stays (labelled SYNTHETIC) for the sample patients, with documents signed, unsigned and missing, surgery with and without an operative report, and verbal orders; import them with `himportal import DIR`.")
        {
            synthea, output, npi, today, count, seed,
        };
        demo.SetAction(async (parse, ct) =>
        {
            var day = DateOnly.FromDateTime(DateTime.UtcNow);
            if (parse.GetValue(today) is { } given && !DateOnly.TryParseExact(given, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
            {
                await Console.Error.WriteLineAsync("error: --today must be a date as yyyy-mm-dd.");
                return 2;
            }

            try
            {
                var summary = CompletionDemo.Write(parse.GetValue(synthea)!, parse.GetValue(output)!, day, parse.GetValue(npi), parse.GetValue(count), parse.GetValue(seed));
                Console.WriteLine($"wrote {summary.Stays} synthetic stay(s) of {summary.Patients} patient(s) to {parse.GetValue(output)}: "
                    + string.Join(", ", summary.Mix.Select(m => $"{m.Key} {m.Value}")));
                return 0;
            }
            catch (Exception e) when (e is DirectoryNotFoundException or InvalidDataException or IOException)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message);
                return 1;
            }
        });
        return demo;
    }
}
