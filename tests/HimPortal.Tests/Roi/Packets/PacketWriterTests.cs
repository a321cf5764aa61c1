using HimPortal.Application.Common.Store;
using HimPortal.Application.Roi.Packets;
using HimPortal.Tests.Documents;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Roi.Packets;

/// <summary>
/// The packet is written forward onto its stream and never read back (issue 17 item 10: memory flat). PdfPig's
/// <c>PdfDocumentBuilder.Build()</c> on a stream reads the whole file back into memory to return it (on a stream that
/// cannot seek it throws); the writer completes the document by disposing the builder instead, which this test holds it to.
/// </summary>
public sealed class PacketWriterTests
{
    [Fact]
    public async Task A_packet_is_written_forward_only_and_never_read_back()
    {
        var lines = Enumerable.Range(1, 150).Select(i => $"Line {i} of a synthetic note.").ToList();
        var spec = new PacketSpec("ROI-000001 - Test Recipient", ["Cover letter of a synthetic test packet."], Part2Notice: false,
        [
            new PacketEntry("DocumentReference", "note-1", "Synthetic note", new DateOnly(2026, 1, 2), new ItemContent(lines, []), []),
            new PacketEntry("DocumentReference", "note-2", "Another note", null, new ItemContent(["One line."], []), []),
        ]);
        using var sink = new MemoryStream();
        await using var output = new ForwardOnlyStream(sink);

        var written = await new PacketWriter(new NoStore()).WriteAsync(spec, output, CancellationToken.None);

        output.Reads.ShouldBe(0);
        var bytes = sink.ToArray();
        await Qpdf.CheckAsync(bytes);
        using var pdf = PdfDocument.Open(bytes);
        pdf.NumberOfPages.ShouldBe(written.PageCount);
        foreach (var page in pdf.GetPages())
        {
            page.Text.ShouldContain($"page {page.Number} of {pdf.NumberOfPages}");
        }

        written.Items.Count.ShouldBe(2);
    }

    /// <summary>Takes writes and tells its position; refuses reading and seeking (and counts attempts to read).</summary>
    private sealed class ForwardOnlyStream(MemoryStream sink) : Stream
    {
        public int Reads { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => sink.Position;
            set => throw new NotSupportedException();
        }

        public override void Flush() => sink.Flush();

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads++;
            throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => sink.Write(buffer, offset, count);
    }

    /// <summary>A text-only packet reads nothing from the document store.</summary>
    private sealed class NoStore : IDocumentStore
    {
        public Task PutAsync(Guid id, Stream content, CancellationToken ct) => throw new NotSupportedException();

        public Task<Stream?> OpenReadAsync(Guid id, CancellationToken ct) => throw new NotSupportedException();

        public Task<bool> ExistsAsync(Guid id, CancellationToken ct) => throw new NotSupportedException();

        public Task DeleteAsync(Guid id, CancellationToken ct) => throw new NotSupportedException();
    }
}
