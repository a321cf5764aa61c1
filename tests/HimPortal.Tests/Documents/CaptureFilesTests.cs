using System.Security.Cryptography;
using HimPortal.Application.Documents.CaptureFiles;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Documents;
using HimPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Documents;

/// <summary>
/// Capture (issue 15 item 1): each good kind of file is kept whole and queued with its page count; the same bytes twice
/// are recognised; each kind of bad file is refused or parked with a message naming it, and never costs the others.
/// </summary>
public sealed class CaptureFilesTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private async Task<IReadOnlyList<CapturedFile>> CaptureAsync(string source, params (string Name, byte[] Bytes)[] files)
    {
        await using var services = database.Services(settings: new Dictionary<string, string?> { ["Documents:MaxFileBytes"] = "1000000" });
        await using var scope = services.CreateAsyncScope();
        var incoming = files.Select(f => new IncomingFile(folder.Write(f.Name, f.Bytes), f.Name)).ToList();
        var result = await scope.ServiceProvider.GetRequiredService<CaptureFilesHandler>()
            .HandleAsync(new CaptureFilesCommand(incoming, source), CancellationToken.None);
        result.Error.ShouldBeNull();
        return result.Value!.Files;
    }

    private async Task<ReceivedFile> ReceivedAsync(Guid id)
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HimDbContext>().ReceivedFiles.AsNoTracking().SingleAsync(f => f.Id == id);
    }

    private async Task<byte[]?> StoredBytesAsync(Guid id)
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();
        await using var stream = await store.OpenReadAsync(id, CancellationToken.None);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    public static TheoryData<string, string, int> GoodFiles => new()
    {
        { "born-digital.pdf", "application/pdf", 3 },
        { "scanned.pdf", "application/pdf", 2 },
        { "fax-fine.tif", "image/tiff", 1 },
        { "fax-standard-multipage.tiff", "image/tiff", 4 },
    };

    private static byte[] Good(string name) => name switch
    {
        "born-digital.pdf" => SampleFiles.TextPdf(3, "good"),
        "scanned.pdf" => SampleFiles.ScannedPdf(2, 9),
        "fax-fine.tif" => SampleFiles.FaxTiff(1, 196, 1),
        _ => SampleFiles.FaxTiff(4, 98, 2),
    };

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public async Task Each_kind_of_document_is_kept_whole_and_queued_with_its_pages(string name, string mediaType, int pages)
    {
        var bytes = Good(name);

        var outcome = (await CaptureAsync("fax-server", (name, bytes))).Single();

        outcome.Ok.ShouldBeTrue(outcome.Error);
        outcome.Pages.ShouldBe(pages);
        var received = await ReceivedAsync(outcome.DocumentId!.Value);
        received.Status.ShouldBe(ReceivedFileStatus.Queued);
        received.MediaType.ShouldBe(mediaType);
        received.PageCount.ShouldBe(pages);
        received.Source.ShouldBe("fax-server");
        received.OriginalName.ShouldBe(name);
        received.Length.ShouldBe(bytes.Length);
        received.Sha256.ShouldBe(SHA256.HashData(bytes));
        (await StoredBytesAsync(received.Id)).ShouldBe(bytes);
    }

    [Fact]
    public async Task The_same_bytes_received_twice_are_recognised_and_not_queued_twice()
    {
        var bytes = SampleFiles.TextPdf(2, "twice");

        var first = (await CaptureAsync("scanner-1", ("first.pdf", bytes))).Single();
        var second = (await CaptureAsync("fax-server", ("renamed.pdf", bytes))).Single();

        first.Duplicate.ShouldBeFalse();
        second.Ok.ShouldBeTrue();
        second.Duplicate.ShouldBeTrue();
        second.DocumentId.ShouldBe(first.DocumentId);
        var sha = Convert.ToHexString(SHA256.HashData(bytes));
        (await database.ScalarAsync<long>($"SELECT count(*) FROM documents.received_files WHERE sha256 = '\\x{sha}'::bytea")).ShouldBe(1);
    }

    public static TheoryData<string, ReceivedFileStatus, string> BadFiles => new()
    {
        { "letter.pdf", ReceivedFileStatus.Refused, "not a PDF or TIFF file" },
        { "empty.pdf", ReceivedFileStatus.Refused, "the file is empty" },
        { "huge.pdf", ReceivedFileStatus.Refused, "over the limit of 1000000 (Documents:MaxFileBytes)" },
        { "encrypted.pdf", ReceivedFileStatus.Unreadable, "the PDF is encrypted" },
        { "truncated.pdf", ReceivedFileStatus.Unreadable, "the PDF is damaged" },
        { "garbage.pdf", ReceivedFileStatus.Unreadable, "the PDF is damaged" },
        { "no-pages.pdf", ReceivedFileStatus.Unreadable, "the PDF has no pages" },
        { "bomb.pdf", ReceivedFileStatus.Unreadable, "more than Documents:MaxPages" },
        { "loop.tif", ReceivedFileStatus.Unreadable, "the TIFF's directories loop" },
        { "truncated.tif", ReceivedFileStatus.Unreadable, "the TIFF points past its end" },
    };

    private static byte[] Bad(string name) => name switch
    {
        "letter.pdf" => SampleFiles.NotADocument(),
        "empty.pdf" => [],
        // Over the test's limit, and a real PDF: the size is judged before the content.
        "huge.pdf" => [.. SampleFiles.TextPdf(1, "huge"), .. new byte[1_000_001]],
        "encrypted.pdf" => SampleFiles.EncryptedPdf(),
        "truncated.pdf" => SampleFiles.TruncatedPdf(),
        "garbage.pdf" => SampleFiles.GarbagePdf(),
        "no-pages.pdf" => SampleFiles.ZeroPagePdf(),
        "bomb.pdf" => SampleFiles.PageBombPdf(),
        "loop.tif" => SampleFiles.LoopingTiff(),
        _ => SampleFiles.TruncatedTiff(),
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Each_kind_of_bad_file_is_refused_or_parked_naming_the_file_and_the_problem_and_the_others_are_kept(
        string name, ReceivedFileStatus status, string problem)
    {
        var before = SampleFiles.TextPdf(1, "before " + name);
        var after = SampleFiles.FaxTiff(2, 196, name.Length * 31 + name[0]);

        var outcomes = await CaptureAsync("scanner-2", ("before-" + name + ".pdf", before), (name, Bad(name)), ("after-" + name + ".tif", after));

        outcomes[0].Ok.ShouldBeTrue(outcomes[0].Error);
        outcomes[2].Ok.ShouldBeTrue(outcomes[2].Error);
        outcomes[2].Pages.ShouldBe(2);
        var bad = outcomes[1];
        bad.Ok.ShouldBeFalse();
        bad.Error.ShouldNotBeNull();
        bad.Error.ShouldStartWith(name + ": " + (status == ReceivedFileStatus.Refused ? "refused: " : "parked as unreadable: "));
        bad.Error.ShouldContain(problem);
        var row = await database.ScalarAsync<string>(
            $"SELECT status || '|' || stored || '|' || problem FROM documents.received_files WHERE original_name = '{name}' AND source = 'scanner-2'");
        var stored = status == ReceivedFileStatus.Unreadable;
        row.ShouldStartWith($"{status.ToString().ToLowerInvariant()}|{stored.ToString().ToLowerInvariant()}|");
        if (stored)
        {
            // Parked, not lost: the bytes are kept unchanged for the person who looks at the unreadable list.
            (await StoredBytesAsync(bad.DocumentId!.Value)).ShouldBe(Bad(name));
        }
    }
}
