using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using HimPortal.Application.Clinical.Results;
using HimPortal.Application.Clinical.Values;
using Microsoft.AspNetCore.Html;

namespace HimPortal.Hosting;

/// <summary>
/// A result's trend drawn on the server as inline SVG: no script, no CDN, nothing to load at run time, and it prints.
/// One circle per result, joined by a line; high and low results are coloured, critical ones ringed. Numbers and units
/// read as everywhere else (<see cref="ClinicalValues"/>: "40.0 °C", "beats/min"). The chart's sparklines stay small
/// (a large chart has hundreds of points); the results page draws the detailed plot, with axes and a tooltip per point.
/// </summary>
public static class TrendPlot
{
    // A kept chart (ChartContentCache) shows the same series again and again: draw each once, for as long as it lives.
    private static readonly ConditionalWeakTable<ObservationSeries, HtmlString> Sparklines = [];

    public static IHtmlContent Sparkline(ObservationSeries series) =>
        Sparklines.GetValue(series, s => Render(s, 240, 48, detailed: false));

    public static IHtmlContent Detailed(ObservationSeries series) => Render(series, 760, 240, detailed: true);

    private static HtmlString Render(ObservationSeries series, int width, int height, bool detailed)
    {
        ArgumentNullException.ThrowIfNull(series);
        var points = series.Points;
        if (points.Count == 0)
        {
            return HtmlString.Empty;
        }

        var html = HtmlEncoder.Default;
        string Number(decimal value) => html.Encode(ClinicalValues.Number(series.Code, value));
        string Quantity(decimal value) => html.Encode(ClinicalValues.Quantity(series.Code, value, series.Unit));
        var (left, right, top, bottom) = detailed ? (56, 12, 12, 28) : (4, 4, 4, 4);
        var minT = points[0].At.UtcTicks;
        var maxT = points[^1].At.UtcTicks;
        var minV = points.Min(p => p.Value);
        var maxV = points.Max(p => p.Value);
        int X(TrendPoint p) => maxT == minT ? width / 2 : left + (int)Math.Round((p.At.UtcTicks - minT) / (double)(maxT - minT) * (width - left - right));
        int Y(TrendPoint p) => maxV == minV ? height / 2 : height - bottom - (int)Math.Round((double)(p.Value - minV) / (double)(maxV - minV) * (height - top - bottom));

        var svg = new StringBuilder(256 + (points.Count * (detailed ? 96 : 40)));
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"trend{(detailed ? " detailed" : "")}\" data-testid=\"trend-plot\" data-code=\"{html.Encode(series.Code)}\" data-points=\"{points.Count}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{html.Encode(series.Display)}: {points.Count} results from {Day(points[0].At)} to {Day(points[^1].At)}, {Number(minV)} to {Quantity(maxV)}\">");
        if (detailed)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<line class=\"axis\" x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\"/><line class=\"axis\" x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\"/>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{left - 6}\" y=\"{top + 4}\" text-anchor=\"end\">{Number(maxV)}</text><text x=\"{left - 6}\" y=\"{height - bottom}\" text-anchor=\"end\">{Number(minV)}</text>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{left}\" y=\"{height - 8}\">{Day(points[0].At)}</text><text x=\"{width - right}\" y=\"{height - 8}\" text-anchor=\"end\">{Day(points[^1].At)}</text>");
        }

        if (points.Count > 1)
        {
            svg.Append("<polyline points=\"");
            foreach (var p in points)
            {
                svg.Append(X(p)).Append(',').Append(Y(p)).Append(' ');
            }

            svg.Append("\"/>");
        }

        foreach (var p in points)
        {
            var flag = p.Flag is null or "normal" ? null : p.Flag;
            svg.Append("<circle cx=\"").Append(X(p)).Append("\" cy=\"").Append(Y(p)).Append(detailed ? "\" r=\"3.5\"" : "\" r=\"2\"");
            if (flag is not null)
            {
                var critical = flag.StartsWith("critical", StringComparison.Ordinal) ? " critical" : "";
                svg.Append(flag.EndsWith("high", StringComparison.Ordinal) ? $" class=\"high{critical}\"" : $" class=\"low{critical}\"");
            }

            if (detailed)
            {
                svg.Append(CultureInfo.InvariantCulture,
                    $"><title>{Day(p.At)}: {Quantity(p.Value)}{(flag is null ? "" : " (" + flag + ")")}</title></circle>");
            }
            else
            {
                svg.Append("/>");
            }
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
