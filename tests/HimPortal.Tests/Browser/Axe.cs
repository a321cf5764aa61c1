using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

/// <summary>
/// axe-core (vendored from npm under Browser/axe, MPL-2.0) run in the page: WCAG 2.1 AA asks that no portal page has a
/// serious or critical violation (issue 19, item 9).
/// </summary>
public static class Axe
{
    private static readonly Lazy<string> Script = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("HimPortal.Tests.Browser.axe.min.js")
            ?? throw new InvalidOperationException("axe.min.js is not embedded in the test assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>
    /// Options for a browser context the axe helper can work in: the pages' Content-Security-Policy allows no inline
    /// script, and axe is injected as one, so these contexts (and only these) bypass it.
    /// </summary>
    public static BrowserNewContextOptions ContextOptions(BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.BypassCSP = true;
        return options;
    }

    /// <summary>Runs axe on the page as it is now and fails listing every serious or critical violation.</summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
        {
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = Script.Value });
        }

        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
        {
            throw new InvalidOperationException(
                "axe-core could not be injected: open the page in a context made with Axe.ContextOptions (BypassCSP), " +
                "for example PortalBrowserFixture.PhoneAsync(axe: true).");
        }

        var json = await page.EvaluateAsync<string>(
            """
            async () => {
              const result = await window.axe.run(document, { resultTypes: ['violations'] });
              return JSON.stringify(result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')) })));
            }
            """);
        var violations = JsonSerializer.Deserialize<List<Violation>>(json, JsonOptions) ?? [];
        if (violations.Count > 0)
        {
            var report = string.Join(Environment.NewLine, violations.Select(v =>
                $"{v.Impact}: {v.Id} ({v.Help}) at {string.Join(", ", v.Targets)}"));
            throw new Xunit.Sdk.XunitException($"axe-core found serious or critical violations on {page.Url}:{Environment.NewLine}{report}");
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private sealed record Violation(string Id, string Impact, string Help, List<string> Targets);
}
