using HimPortal.Application.Roi.Packets;
using HimPortal.Documents.Imaging;
using SkiaSharp;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace HimPortal.Tests.Roi.Packets;

/// <summary>A scanned page's PNG goes into the packet as its own IDAT data (no decode): the PDF shows the same pixels.</summary>
public sealed class PngPassThroughTests
{
    [Fact]
    public void A_grey_png_passes_through_and_renders_pixel_for_pixel()
    {
        const int width = 240;
        const int height = 160;
        var pixels = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                pixels[(y * width) + x] = (byte)((x / 20 + y / 20) % 2 == 0 ? 0 : (x * 255 / width));
            }
        }

        var png = Png.Encode(new GrayImage(width, height, 72, 72, pixels));
        var parsed = PngPassThrough.Parse(png);
        parsed.ShouldNotBeNull();
        parsed.Value.ColorType.ShouldBe(0);
        parsed.Value.Depth.ShouldBe(8);

        var builder = new PdfDocumentBuilder();
        var page = builder.AddPage(width, height);
        PngPassThrough.TryAdd(builder, page, png, new PdfRectangle(0, 0, width, height)).ShouldBeTrue();
        var pdf = builder.Build();
        var rendered = PdfRasterizer.Render(pdf, 0, 72, 72);
        rendered.Width.ShouldBe(width);
        rendered.Height.ShouldBe(height);
        var worst = pixels.Zip(rendered.Pixels, (a, b) => Math.Abs(a - b)).Max();
        worst.ShouldBeLessThanOrEqualTo(8);
    }

    [Fact]
    public void A_png_with_alpha_does_not_pass_through()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(8, 8, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(new SKColor(10, 20, 30, 128));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        PngPassThrough.Parse(data.ToArray()).ShouldBeNull();
    }
}
