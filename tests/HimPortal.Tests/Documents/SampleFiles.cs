using System.Globalization;
using System.Text;
using BitMiracle.LibTiff.Classic;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace HimPortal.Tests.Documents;

/// <summary>Documents made by the tests: good PDFs and fax TIFFs, and each kind of bad file capture must survive.</summary>
public static class SampleFiles
{
    /// <summary>A born-digital PDF: text pages written by PdfPig. <paramref name="marker"/> makes the bytes unique.</summary>
    public static byte[] TextPdf(int pages, string marker)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        for (var n = 1; n <= pages; n++)
        {
            var page = builder.AddPage(PageSize.Letter);
            page.AddText($"Synthetic test document {marker}, page {n}", 12, new PdfPoint(72, 700), font);
        }

        return builder.Build();
    }

    /// <summary>
    /// A scanned PDF: each page one grey-scale image and no text, as a scanner station writes it (PdfPig embeds the PNG).
    /// </summary>
    public static byte[] ScannedPdf(int pages, int seed)
    {
        var builder = new PdfDocumentBuilder();
        for (var n = 0; n < pages; n++)
        {
            var page = builder.AddPage(PageSize.Letter);
            page.AddPng(GreyPng(170, 220, seed + n), new PdfRectangle(0, 0, 612, 792));
        }

        return builder.Build();
    }

    /// <summary>A small 8-bit grey PNG, paper-white with a darker band placed by <paramref name="seed"/>.</summary>
    private static byte[] GreyPng(int width, int height, int seed)
    {
        var raw = new byte[(width + 1) * height];
        for (var y = 0; y < height; y++)
        {
            raw[y * (width + 1)] = 0; // filter: none
            for (var x = 0; x < width; x++)
            {
                raw[y * (width + 1) + 1 + x] = (byte)(y % 40 == seed % 40 ? 40 : 235);
            }
        }

        using var idat = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(idat, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 0; // grey
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>
    /// A fax TIFF: CCITT Group 4, 1728 dots wide at 204 dpi across and <paramref name="dpiDown"/> dpi down (196 fine,
    /// 98 standard), one directory per page, written by LibTiff.NET with a black bar unique to <paramref name="seed"/>.
    /// </summary>
    public static byte[] FaxTiff(int pages, float dpiDown, int seed)
    {
        const int width = 1728;
        const int height = 200;
        using var buffer = new MemoryStream();
        using (var tiff = Tiff.ClientOpen("fax", "w", buffer, new TiffStream()))
        {
            for (var page = 0; page < pages; page++)
            {
                tiff.SetField(TiffTag.SUBFILETYPE, FileType.PAGE);
                tiff.SetField(TiffTag.IMAGEWIDTH, width);
                tiff.SetField(TiffTag.IMAGELENGTH, height);
                tiff.SetField(TiffTag.BITSPERSAMPLE, 1);
                tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
                tiff.SetField(TiffTag.COMPRESSION, Compression.CCITTFAX4);
                tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISWHITE);
                tiff.SetField(TiffTag.FILLORDER, FillOrder.MSB2LSB);
                tiff.SetField(TiffTag.XRESOLUTION, 204f);
                tiff.SetField(TiffTag.YRESOLUTION, dpiDown);
                tiff.SetField(TiffTag.RESOLUTIONUNIT, ResUnit.INCH);
                tiff.SetField(TiffTag.ROWSPERSTRIP, height);
                tiff.SetField(TiffTag.PAGENUMBER, page, pages);
                var row = new byte[width / 8];
                for (var y = 0; y < height; y++)
                {
                    Array.Clear(row);
                    if (y >= 20 + (seed + page) % 100 && y < 40 + (seed + page) % 100)
                    {
                        row.AsSpan(10, 50 + seed % 100).Fill(0xFF);
                    }

                    tiff.WriteScanline(row, y);
                }

                tiff.WriteDirectory();
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A TIFF whose last directory points back at its first: a naive reader goes round for ever.</summary>
    public static byte[] LoopingTiff()
    {
        var bytes = FaxTiff(2, 196, 7);
        var offsets = DirectoryOffsets(bytes);
        var last = offsets[^1];
        var entries = BitConverter.ToUInt16(bytes, (int)last);
        BitConverter.GetBytes((uint)offsets[0]).CopyTo(bytes, (int)(last + 2 + entries * 12));
        return bytes;
    }

    /// <summary>A TIFF header whose first directory lies past the end of the file.</summary>
    public static byte[] TruncatedTiff() => [.. "II*\0"u8, 0x00, 0x10, 0x00, 0x00, 0, 0, 0, 0];

    /// <summary>
    /// A page-tree bomb: a few kilobytes whose page tree names one page 6,000 times, so a reader that believes it renders
    /// 6,000 pages (more than Documents:MaxPages' default of 5,000).
    /// </summary>
    public static byte[] PageBombPdf() =>
        HandMadePdf("<< /Type /Pages /Kids [" + string.Join(' ', Enumerable.Repeat("3 0 R", 6000)) + "] /Count 6000 >>", "");

    /// <summary>A well-formed PDF with an empty page tree.</summary>
    public static byte[] ZeroPagePdf() => HandMadePdf("<< /Type /Pages /Kids [] /Count 0 >>", "");

    /// <summary>
    /// A PDF encrypted with the standard handler and a user password (the /U entry matches no empty password), as a
    /// password-protected outside record arrives.
    /// </summary>
    public static byte[] EncryptedPdf() => HandMadePdf("<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        " /Encrypt 5 0 R /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]",
        "<< /Filter /Standard /V 1 /R 2 /O <" + new string('A', 64) + "> /U <" + new string('B', 64) + "> /P -4 >>");

    /// <summary>A real PDF cut off half-way, as a failed transfer leaves it.</summary>
    public static byte[] TruncatedPdf()
    {
        var whole = TextPdf(3, "truncated");
        return whole[..(whole.Length / 2)];
    }

    /// <summary>"%PDF-" and then nothing a reader can use.</summary>
    public static byte[] GarbagePdf() => Encoding.ASCII.GetBytes("%PDF-1.7\n" + new string('x', 500) + "\n%%EOF\n");

    public static byte[] NotADocument() => Encoding.ASCII.GetBytes("Dear colleague, please find the records attached.\n");

    /// <summary>A minimal PDF with objects 1 (catalog), 2 (pages), 3 (a page), 4 (its empty content), optionally 5; xref computed.</summary>
    private static byte[] HandMadePdf(string pages, string trailerExtra, string? object5 = null)
    {
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            pages,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            "<< /Length 0 >>\nstream\n\nendstream",
        };
        if (object5 is not null)
        {
            objects.Add(object5);
        }

        var text = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(text.Length);
            text.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = text.Length;
        text.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            text.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        text.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R{trailerExtra} >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>The offsets of a little-endian TIFF's directories, in chain order.</summary>
    private static List<long> DirectoryOffsets(byte[] bytes)
    {
        var offsets = new List<long>();
        long offset = BitConverter.ToUInt32(bytes, 4);
        while (offset != 0)
        {
            offsets.Add(offset);
            var entries = BitConverter.ToUInt16(bytes, (int)offset);
            offset = BitConverter.ToUInt32(bytes, (int)(offset + 2 + entries * 12));
        }

        return offsets;
    }
}
