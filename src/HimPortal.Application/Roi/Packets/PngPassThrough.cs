using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Tokens;
using UglyToad.PdfPig.Writer;

namespace HimPortal.Application.Roi.Packets;

/// <summary>
/// Puts a PNG on a page without decoding it: its IDAT data (zlib, PNG row filters) is already what a PDF image XObject
/// takes with /Filter /FlateDecode and /DecodeParms &lt;&lt; /Predictor 15 /Colors n /BitsPerComponent b /Columns w &gt;&gt;
/// (PDF 32000-1:2008, 7.4.4.4), so the concatenated IDAT chunks go in as they are. PdfPig's own <c>AddPng</c> decodes
/// every pixel in managed code and compresses them again as RGB (seconds a page, three times the bytes). Grey, RGB and
/// palette PNGs, not interlaced, without alpha or transparency, pass through; anything else returns false and the caller
/// uses <c>AddPng</c>.
/// PdfPig 0.1.16 has no public way to add an image stream of one's own: <c>PdfDocumentBuilder.AddImage(DictionaryToken,
/// byte[])</c> and <c>AddedImage</c>'s constructor are internal, reached here with <see cref="UnsafeAccessorAttribute"/>
/// (checked at first use: a PdfPig that renames them fails the packet tests, not silently).
/// </summary>
internal static class PngPassThrough
{
    private static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "AddImage")]
    private static extern IndirectReferenceToken AddImageStream(PdfDocumentBuilder builder, DictionaryToken dictionary, byte[] bytes);

    [UnsafeAccessor(UnsafeAccessorKind.Constructor)]
    private static extern PdfPageBuilder.AddedImage NewAddedImage(IndirectReference reference, int width, int height);

    /// <summary>Draws the PNG in the rectangle from its own compressed data; false when it cannot pass through as it is.</summary>
    public static bool TryAdd(PdfDocumentBuilder builder, PdfPageBuilder page, ReadOnlySpan<byte> png, PdfRectangle placement)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(page);
        var image = Parse(png);
        if (image is null)
        {
            return false;
        }

        var (width, height, depth, colorType, palette, idat) = image.Value;
        var colors = colorType == 2 ? 3 : 1;
        IToken colorSpace = colorType switch
        {
            0 => NameToken.Devicegray,
            2 => NameToken.Devicergb,
            _ => new ArrayToken([NameToken.Indexed, NameToken.Devicergb, new NumericToken((palette!.Length / 3) - 1), new HexToken(Convert.ToHexString(palette).AsSpan())]),
        };
        var parms = new DictionaryToken(new Dictionary<NameToken, IToken>
        {
            [NameToken.Predictor] = new NumericToken(15),
            [NameToken.Colors] = new NumericToken(colors),
            [NameToken.BitsPerComponent] = new NumericToken(depth),
            [NameToken.Columns] = new NumericToken(width),
        });
        var dictionary = new DictionaryToken(new Dictionary<NameToken, IToken>
        {
            [NameToken.Type] = NameToken.Xobject,
            [NameToken.Subtype] = NameToken.Image,
            [NameToken.Width] = new NumericToken(width),
            [NameToken.Height] = new NumericToken(height),
            [NameToken.BitsPerComponent] = new NumericToken(depth),
            [NameToken.ColorSpace] = colorSpace,
            [NameToken.Filter] = NameToken.FlateDecode,
            [NameToken.DecodeParms] = parms,
            [NameToken.Length] = new NumericToken(idat.Length),
        });
        var reference = AddImageStream(builder, dictionary, idat);
        page.AddImage(NewAddedImage(reference.Data, width, height), placement);
        return true;
    }

    /// <summary>The header and the concatenated IDAT data of a PNG that can pass through; null otherwise.</summary>
    internal static (int Width, int Height, int Depth, int ColorType, byte[]? Palette, byte[] Idat)? Parse(ReadOnlySpan<byte> png)
    {
        if (png.Length < 8 + 25 || !png[..8].SequenceEqual(Signature))
        {
            return null;
        }

        int width = 0, height = 0, depth = 0, colorType = -1;
        byte[]? palette = null;
        var idat = new List<(int Offset, int Length)>();
        var total = 0;
        var at = 8;
        while (at + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png[at..]);
            if (length < 0 || at + 12L + length > png.Length)
            {
                return null;
            }

            var type = png.Slice(at + 4, 4);
            var data = png.Slice(at + 8, length);
            if (type.SequenceEqual("IHDR"u8))
            {
                if (length != 13)
                {
                    return null;
                }

                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                depth = data[8];
                colorType = data[9];
                // compression 0, filter method 0, no interlace: anything else is not the PDF predictor's layout.
                if (data[10] != 0 || data[11] != 0 || data[12] != 0)
                {
                    return null;
                }
            }
            else if (type.SequenceEqual("PLTE"u8))
            {
                palette = data.ToArray();
            }
            else if (type.SequenceEqual("tRNS"u8))
            {
                return null;
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                idat.Add((at + 8, length));
                total += length;
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            at += 12 + length;
        }

        var supported = colorType switch
        {
            0 => depth is 1 or 2 or 4 or 8,
            2 => depth == 8,
            3 => depth is 1 or 2 or 4 or 8 && palette is { Length: > 0 } && palette.Length % 3 == 0,
            _ => false,
        };
        if (!supported || width <= 0 || height <= 0 || total == 0)
        {
            return null;
        }

        var bytes = new byte[total];
        var written = 0;
        foreach (var (offset, length) in idat)
        {
            png.Slice(offset, length).CopyTo(bytes.AsSpan(written));
            written += length;
        }

        return (width, height, depth, colorType, palette, bytes);
    }
}
