using HimPortal.Documents.Imaging;

namespace HimPortal.Tests.Documents;

public sealed class GrayImageTests
{
    [Fact]
    public void A_204x98_fax_page_is_stretched_to_square_pixels_for_display_with_each_row_shown_twice()
    {
        var fax = new GrayImage(4, 3, 204, 98, [0, 0, 0, 0, 255, 255, 255, 255, 9, 9, 9, 9]);

        var shown = fax.WithSquarePixels();

        (shown.Width, shown.Height, shown.DpiY).ShouldBe((4, 6, 204.0));
        Enumerable.Range(0, 6).Select(y => shown[0, y]).ShouldBe(new byte[] { 0, 0, 255, 255, 9, 9 });
    }

    [Fact]
    public void Reducing_averages_each_block_and_divides_the_resolution()
    {
        var page = new GrayImage(2, 2, 200, 200, [0, 255, 255, 255]);

        var reduced = page.Reduced(2);

        (reduced.Width, reduced.Height, reduced.DpiX, reduced[0, 0]).ShouldBe((1, 1, 100.0, (byte)191));
    }
}
