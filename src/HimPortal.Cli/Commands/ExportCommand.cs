using System.CommandLine;
using System.Globalization;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.Packets.ExportRecord;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Cli.Commands;

/// <summary>`himportal export --patient MRN --format pdf|fhir --out FILE`: HIM's own copy of a patient's whole record (issue 17 item 5).</summary>
internal static class ExportCommand
{
    public static Command Create(Func<IConfiguration> configuration)
    {
        var patient = new Option<string>("--patient") { Description = "The patient's MRN.", Required = true };
        var format = new Option<string>("--format") { Description = "pdf (the packet as a release builds it) or fhir (a FHIR R4 Bundle).", Required = true };
        format.AcceptOnlyFromAmong(ExportRecordHandler.Pdf, ExportRecordHandler.Fhir);
        var output = new Option<FileInfo>("--out") { Description = "The file to write (replaced if it exists).", Required = true };
        var command = new Command("export",
            "Build the release of a patient's whole record (the designated record set, psychotherapy notes left out) as HIM's own copy; audited as an export.")
        {
            patient, format, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(output)!;
            await using var services = CliHost.Services(configuration());
            await using var scope = services.CreateAsyncScope();
            var temporary = file.FullName + ".part";
            Result<ExportOutcome> result;
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            {
                result = await scope.ServiceProvider.GetRequiredService<ExportRecordHandler>()
                    .HandleAsync(new ExportRecordCommand(parse.GetValue(patient)!, parse.GetValue(format)!, stream), ct);
            }

            if (result.Error is { } refused)
            {
                File.Delete(temporary);
                await Console.Error.WriteLineAsync("error: " + refused.Message);
                return refused.Kind == ErrorKind.NotFound ? 2 : 1;
            }

            File.Move(temporary, file.FullName, overwrite: true);
            var done = result.Value!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {file.FullName}: {done.Items} item(s), {done.LeftOut} left out, {done.Pages} page(s), {done.Length:N0} bytes, sha256 {done.Sha256}."));
            return 0;
        });
        return command;
    }
}
