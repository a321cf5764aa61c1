using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using HimPortal.Application.Charts;
using Microsoft.AspNetCore.Html;

namespace HimPortal.Web.Pages.Charts;

/// <summary>
/// A result's trend drawn on the server as inline SVG: no script, no CDN, nothing to load at run time, and it prints.
/// One circle per result (its tooltip gives date, value and flag), joined by a line; high and low results are coloured.
/// </summary>
public static class TrendPlot
{
    public static IHtmlContent Render(ObservationSeries series, int width = 240, int height = 56)
    {
        ArgumentNullException.ThrowIfNull(series);
        var points = series.Points;
        if (points.Count == 0)
        {
            return HtmlString.Empty;
        }

        const double pad = 5;
        var minT = points[0].At.UtcTicks;
        var maxT = points[^1].At.UtcTicks;
        var minV = points.Min(p => p.Value);
        var maxV = points.Max(p => p.Value);
        double X(TrendPoint p) => maxT == minT ? width / 2.0 : pad + ((p.At.UtcTicks - minT) / (double)(maxT - minT) * (width - (2 * pad)));
        double Y(TrendPoint p) => maxV == minV ? height / 2.0 : height - pad - ((double)(p.Value - minV) / (double)(maxV - minV) * (height - (2 * pad)));

        var html = HtmlEncoder.Default;
        var svg = new StringBuilder(200 + (points.Count * 120));
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"trend\" data-testid=\"trend-plot\" data-code=\"{html.Encode(series.Code)}\" data-points=\"{points.Count}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{html.Encode(series.Display)}: {points.Count} results from {Day(points[0].At)} to {Day(points[^1].At)}, {ClinicalValues.Number(minV)} to {ClinicalValues.Number(maxV)} {html.Encode(series.Unit ?? "")}\">");
        if (points.Count > 1)
        {
            svg.Append("<polyline points=\"");
            foreach (var p in points)
            {
                svg.Append(CultureInfo.InvariantCulture, $"{X(p):0.#},{Y(p):0.#} ");
            }

            svg.Append("\"/>");
        }

        foreach (var p in points)
        {
            var flag = p.Flag is null or "normal" ? "" : p.Flag;
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(p):0.#}\" cy=\"{Y(p):0.#}\" r=\"2.5\"");
            if (flag.Length > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $" class=\"{(flag.EndsWith("high", StringComparison.Ordinal) ? "high" : "low")}\"");
            }

            svg.Append(CultureInfo.InvariantCulture,
                $"><title>{Day(p.At)}: {ClinicalValues.Number(p.Value)} {html.Encode(series.Unit ?? "")}{(flag.Length > 0 ? " (" + flag + ")" : "")}</title></circle>");
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
