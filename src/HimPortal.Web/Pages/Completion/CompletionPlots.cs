using HimPortal.Application.Completion.Aging.GetCompletionNumbers;
using HimPortal.Web.Pages.Management;
using Microsoft.AspNetCore.Html;

namespace HimPortal.Web.Pages.Completion;

/// <summary>Chart completion's plot (issue 18 item 4), drawn with the manager page's server-side SVG bars (no script: CSP).</summary>
public static class CompletionPlots
{
    public static IHtmlContent Monthly(IReadOnlyList<DelinquencyPoint> months)
    {
        ArgumentNullException.ThrowIfNull(months);
        return Plots.Bars("completion-monthly-plot", $"Incomplete and delinquent records at each month end, and the delinquency rate, {months.Count} months",
            [.. months.Select(m => new PlotBar(m.Month, m.Figure.Incomplete, m.Figure.Delinquent, m.Figure.Rate,
                $"{m.Month:yyyy-MM}: {m.Figure.Incomplete} incomplete, {m.Figure.Delinquent} delinquent, rate {Rate(m.Figure)}"))], "yyyy-MM");
    }

    public static string Rate(DelinquencyFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return figure.Rate is { } rate ? rate.ToString("P1", System.Globalization.CultureInfo.InvariantCulture) : "—";
    }
}
