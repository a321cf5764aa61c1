using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using HimPortal.Application.Documents.QualityControl;
using Microsoft.AspNetCore.Html;

namespace HimPortal.Web.Pages.Management;

/// <summary>One bar of a <see cref="Plots.Bars"/> plot: a total, the part of it drawn red, and a rate drawn as a line (0–100 %).</summary>
public sealed record PlotBar(DateOnly Start, int Total, int Part, double? Rate, string Title);

/// <summary>
/// The manager page's plots, drawn on the server as SVG (no script: the Content-Security-Policy forbids it), in the
/// manner of the chart's TrendPlot: bars per period with a rate as a line, and a count per day as a line. Indexing QA
/// (issue 15) and the MPI figures (issue 16) draw with the same two.
/// </summary>
public static class Plots
{
    private const int Width = 760;
    private const int Height = 220;
    private const int Left = 44;
    private const int Right = 44;
    private const int Top = 12;
    private const int Bottom = 28;

    public static IHtmlContent Bars(string testId, string label, IReadOnlyList<PlotBar> bars, string dateFormat = "MM-dd")
    {
        ArgumentNullException.ThrowIfNull(bars);
        var html = HtmlEncoder.Default;
        var max = Math.Max(1, bars.Count == 0 ? 1 : bars.Max(w => w.Total));
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var slot = bars.Count == 0 ? plotW : (double)plotW / bars.Count;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"trend detailed\" data-testid=\"{html.Encode(testId)}\" data-points=\"{bars.Count}\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{html.Encode(label)}\">");
        Axes(svg, plotW, plotH);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{Top + 8}\" font-size=\"10\">{max}</text><text x=\"{Width - Right + 4}\" y=\"{Top + 8}\" font-size=\"10\">100 %</text>");
        var line = new List<string>();
        for (var i = 0; i < bars.Count; i++)
        {
            var b = bars[i];
            var x = Left + i * slot;
            var h = plotH * b.Total / (double)max;
            var part = plotH * b.Part / (double)max;
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x + slot * 0.15:0.#}\" y=\"{Top + plotH - h:0.#}\" width=\"{slot * 0.7:0.#}\" height=\"{h:0.#}\" fill=\"#9bb7d4\"><title>{html.Encode(b.Title)}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x + slot * 0.15:0.#}\" y=\"{Top + plotH - part:0.#}\" width=\"{slot * 0.7:0.#}\" height=\"{part:0.#}\" fill=\"#c0504d\"/>");
            if (b.Rate is { } rate)
            {
                line.Add(string.Create(CultureInfo.InvariantCulture, $"{x + slot / 2:0.#},{Top + plotH - plotH * Math.Min(1, rate):0.#}"));
            }

            if (i % Math.Max(1, bars.Count / 6) == 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{Height - 8}\" font-size=\"10\">{b.Start.ToString(dateFormat, CultureInfo.InvariantCulture)}</text>");
            }
        }

        if (line.Count > 1)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(' ', line)}\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.5\"/>");
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    public static IHtmlContent Line(string testId, string label, IReadOnlyList<(DateOnly Day, int Value)> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var html = HtmlEncoder.Default;
        var max = Math.Max(1, days.Count == 0 ? 1 : days.Max(d => d.Value));
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var step = days.Count <= 1 ? plotW : (double)plotW / (days.Count - 1);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"trend detailed\" data-testid=\"{html.Encode(testId)}\" data-points=\"{days.Count}\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{html.Encode(label)}\">");
        Axes(svg, plotW, plotH);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{Top + 8}\" font-size=\"10\">{max}</text>");
        var points = days.Select((d, i) => string.Create(CultureInfo.InvariantCulture, $"{Left + i * step:0.#},{Top + plotH - plotH * d.Value / (double)max:0.#}"));
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

/// <summary>Indexing QA's plots (issue 15 item 6): reviews per week with the error rate, and the backlog per day.</summary>
public static class QualityPlots
{
    public static IHtmlContent Weekly(IReadOnlyList<WeekPoint> weeks)
    {
        ArgumentNullException.ThrowIfNull(weeks);
        return Plots.Bars("qa-weekly-plot", $"QA reviews per week and the share corrected, {weeks.Count} weeks",
            [.. weeks.Select(w => new PlotBar(w.WeekOf, w.Reviewed, w.Corrected, w.Rate, $"week of {w.WeekOf:yyyy-MM-dd}: {w.Reviewed} reviewed, {w.Corrected} corrected"))]);
    }

    public static IHtmlContent Backlog(IReadOnlyList<BacklogPoint> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        return Plots.Line("qa-backlog-plot", $"QA backlog per day, {days.Count} days, at most {Math.Max(1, days.Count == 0 ? 1 : days.Max(d => d.Waiting))}",
            [.. days.Select(d => (d.Day, d.Waiting))]);
    }
}

/// <summary>The MPI figures' plots (issue 16 item 5): registrations with the duplicates among them, links with the unlinks.</summary>
public static class MpiPlots
{
    public static IHtmlContent Arrivals(string testId, IReadOnlyList<Application.Mpi.GetMpiFigures.MpiPeriod> periods, string dateFormat)
    {
        ArgumentNullException.ThrowIfNull(periods);
        return Plots.Bars(testId, $"Records registered per period and the duplicates among them, {periods.Count} periods",
            [.. periods.Select(p => new PlotBar(p.Start, p.Arrived, p.ArrivedDuplicates, p.CreationRate,
                $"from {p.Start:yyyy-MM-dd}: {p.Arrived} registered, {p.ArrivedDuplicates} duplicates ({(p.CreationRate is { } r ? r.ToString("P1", CultureInfo.InvariantCulture) : "—")})"))], dateFormat);
    }

    public static IHtmlContent Links(string testId, IReadOnlyList<Application.Mpi.GetMpiFigures.MpiPeriod> periods, string dateFormat)
    {
        ArgumentNullException.ThrowIfNull(periods);
        return Plots.Bars(testId, $"Links and unlinks per period, {periods.Count} periods",
            [.. periods.Select(p => new PlotBar(p.Start, p.Links, p.Unlinks, p.FalseLinkRate,
                $"from {p.Start:yyyy-MM-dd}: {p.Links} linked, {p.Unlinks} unlinked"))], dateFormat);
    }
}
