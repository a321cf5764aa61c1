using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using HimPortal.Application.Documents.QualityControl;
using Microsoft.AspNetCore.Html;

namespace HimPortal.Web.Pages.Management;

/// <summary>
/// The QA plots of the manager's page, drawn on the server as SVG (no script: the Content-Security-Policy forbids it), in
/// the manner of the chart's TrendPlot: reviews per week as bars with the error rate as a line, and the backlog per day.
/// </summary>
public static class QualityPlots
{
    private const int Width = 760;
    private const int Height = 220;
    private const int Left = 44;
    private const int Right = 44;
    private const int Top = 12;
    private const int Bottom = 28;

    public static IHtmlContent Weekly(IReadOnlyList<WeekPoint> weeks)
    {
        ArgumentNullException.ThrowIfNull(weeks);
        var html = HtmlEncoder.Default;
        var max = Math.Max(1, weeks.Count == 0 ? 1 : weeks.Max(w => w.Reviewed));
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var slot = weeks.Count == 0 ? plotW : (double)plotW / weeks.Count;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"trend detailed\" data-testid=\"qa-weekly-plot\" data-points=\"{weeks.Count}\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{html.Encode($"QA reviews per week and the share corrected, {weeks.Count} weeks")}\">");
        Axes(svg, plotW, plotH);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{Top + 8}\" font-size=\"10\">{max}</text><text x=\"{Width - Right + 4}\" y=\"{Top + 8}\" font-size=\"10\">100 %</text>");
        var line = new List<string>();
        for (var i = 0; i < weeks.Count; i++)
        {
            var w = weeks[i];
            var x = Left + i * slot;
            var h = plotH * w.Reviewed / (double)max;
            var corrected = plotH * w.Corrected / (double)max;
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x + slot * 0.15:0.#}\" y=\"{Top + plotH - h:0.#}\" width=\"{slot * 0.7:0.#}\" height=\"{h:0.#}\" fill=\"#9bb7d4\"><title>{html.Encode($"week of {w.WeekOf:yyyy-MM-dd}: {w.Reviewed} reviewed, {w.Corrected} corrected")}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x + slot * 0.15:0.#}\" y=\"{Top + plotH - corrected:0.#}\" width=\"{slot * 0.7:0.#}\" height=\"{corrected:0.#}\" fill=\"#c0504d\"/>");
            if (w.Rate is { } rate)
            {
                line.Add(string.Create(CultureInfo.InvariantCulture, $"{x + slot / 2:0.#},{Top + plotH - plotH * rate:0.#}"));
            }

            if (i % Math.Max(1, weeks.Count / 6) == 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{Height - 8}\" font-size=\"10\">{w.WeekOf:MM-dd}</text>");
            }
        }

        if (line.Count > 1)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(' ', line)}\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.5\"/>");
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    public static IHtmlContent Backlog(IReadOnlyList<BacklogPoint> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var html = HtmlEncoder.Default;
        var max = Math.Max(1, days.Count == 0 ? 1 : days.Max(d => d.Waiting));
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var step = days.Count <= 1 ? plotW : (double)plotW / (days.Count - 1);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"trend detailed\" data-testid=\"qa-backlog-plot\" data-points=\"{days.Count}\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{html.Encode($"QA backlog per day, {days.Count} days, at most {max}")}\">");
        Axes(svg, plotW, plotH);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{Top + 8}\" font-size=\"10\">{max}</text>");
        var points = days.Select((d, i) => string.Create(CultureInfo.InvariantCulture, $"{Left + i * step:0.#},{Top + plotH - plotH * d.Waiting / (double)max:0.#}"));
        svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(' ', points)}\" fill=\"none\" stroke=\"#4f81bd\" stroke-width=\"2\"/>");
        for (var i = 0; i < days.Count; i += Math.Max(1, days.Count / 6))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + i * step:0.#}\" y=\"{Height - 8}\" font-size=\"10\">{days[i].Day:MM-dd}</text>");
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    private static void Axes(StringBuilder svg, int plotW, int plotH) =>
        svg.Append(CultureInfo.InvariantCulture,
            $"<line class=\"axis\" x1=\"{Left}\" y1=\"{Top + plotH}\" x2=\"{Left + plotW}\" y2=\"{Top + plotH}\" stroke=\"#888\"/><line class=\"axis\" x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Top + plotH}\" stroke=\"#888\"/>");
}
