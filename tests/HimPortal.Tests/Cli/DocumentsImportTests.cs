using System.Text.Json;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Cli;

/// <summary>`himportal documents import`: files and folders, --source, the --json shape and the exit code.</summary>
public sealed class DocumentsImportTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_folder_and_a_file_are_captured_and_json_reports_each_file_with_exit_code_0()
    {
        var inbox = Directory.CreateDirectory(Path.Combine(folder.Path, "scans")).FullName;
        File.WriteAllBytes(Path.Combine(inbox, "a.pdf"), SampleFiles.TextPdf(2, "cli a"));
        File.WriteAllBytes(Path.Combine(inbox, "b.tif"), SampleFiles.FaxTiff(3, 98, 41));
        File.WriteAllBytes(Path.Combine(inbox, ".scanner.lock"), []);
        var single = folder.Write("c.pdf", SampleFiles.TextPdf(1, "cli c"));

        var run = await CliRunner.RunAsync(database, null, "documents", "import", "--source", "scanner-3", "--json", inbox, single);

        run.ExitCode.ShouldBe(0, run.Error);
        var files = JsonDocument.Parse(run.Output).RootElement.GetProperty("files").EnumerateArray().ToList();
        files.Select(f => Path.GetFileName(f.GetProperty("path").GetString())).ShouldBe(["a.pdf", "b.tif", "c.pdf"]);
        files.Select(f => f.GetProperty("pages").GetInt32()).ShouldBe([2, 3, 1]);
        files.ShouldAllBe(f => f.GetProperty("ok").GetBoolean() && f.GetProperty("error").ValueKind == JsonValueKind.Null);
        var ids = files.Select(f => f.GetProperty("documentId").GetGuid()).ToList();
        (await database.ScalarAsync<long>(
            $"SELECT count(*) FROM documents.received_files WHERE source = 'scanner-3' AND status = 'queued' AND id IN ('{string.Join("','", ids)}')")).ShouldBe(3);
    }

    [Fact]
    public async Task A_bad_file_or_a_missing_path_fails_the_run_with_exit_code_1_and_the_good_file_is_still_captured()
    {
        var good = folder.Write("good.pdf", SampleFiles.TextPdf(1, "cli good"));
        var bad = folder.Write("notes.pdf", SampleFiles.NotADocument());
        var missing = Path.Combine(folder.Path, "nowhere.pdf");

        var run = await CliRunner.RunAsync(database, null, "documents", "import", "--json", missing, bad, good);

        run.ExitCode.ShouldBe(1);
        var files = JsonDocument.Parse(run.Output).RootElement.GetProperty("files").EnumerateArray().ToList();
        files.Count.ShouldBe(3);
        files[0].GetProperty("ok").GetBoolean().ShouldBeFalse();
        files[0].GetProperty("error").GetString().ShouldBe($"{missing}: no such file or folder");
        files[1].GetProperty("ok").GetBoolean().ShouldBeFalse();
        files[1].GetProperty("error").GetString().ShouldBe("notes.pdf: refused: not a PDF or TIFF file");
        files[1].GetProperty("documentId").ValueKind.ShouldBe(JsonValueKind.Null);
        files[2].GetProperty("ok").GetBoolean().ShouldBeTrue();
        files[2].GetProperty("pages").GetInt32().ShouldBe(1);
        (await database.ScalarAsync<string>(
            $"SELECT source FROM documents.received_files WHERE id = '{files[2].GetProperty("documentId").GetGuid()}'")).ShouldBe("import");
    }

    [Fact]
    public async Task The_same_file_imported_again_reports_the_first_document_and_succeeds()
    {
        var path = folder.Write("again.tif", SampleFiles.FaxTiff(1, 196, 77));

        var first = await CliRunner.RunAsync(database, null, "documents", "import", "--json", path);
        var second = await CliRunner.RunAsync(database, null, "documents", "import", path);

        first.ExitCode.ShouldBe(0, first.Error);
        second.ExitCode.ShouldBe(0, second.Error);
        var id = JsonDocument.Parse(first.Output).RootElement.GetProperty("files")[0].GetProperty("documentId").GetGuid();
        second.Output.ShouldContain($"already received as {id:D}, 1 page(s)");
    }
}
