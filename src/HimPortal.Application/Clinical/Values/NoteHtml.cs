using AngleSharp.Css.Dom;
using AngleSharp.Dom;
using Ganss.Xss;
using Markdig;
using Markdig.Syntax;

namespace HimPortal.Application.Clinical.Values;

/// <summary>
/// A clinical note's text as formatted HTML. Synthea's notes (and many EHRs' exports) are Markdown: "# Chief Complaint",
/// lists, emphasis. Markdig renders it, raw HTML in the text included; then HtmlSanitizer keeps only an allow-list of
/// formatting tags and http(s)/mailto links. The sanitiser runs AFTER rendering, on the HTML that will be served:
/// Markdown itself makes links ([x](javascript:…)) and passes raw HTML through, so sanitising the text before would
/// not make the output safe (OWASP XSS Prevention Cheat Sheet: sanitise the HTML you output). Imported text is not
/// ours: nothing in it may run, load anything, or style the page (no scripts, handlers, images, frames, forms, styles,
/// classes or ids); what the sanitiser removes around text keeps the text, so a note never loses words.
/// </summary>
public static class NoteHtml
{
    // The page titles the note (h2, h3): a note's "# Chief Complaint" is a heading below them.
    private const int HeadingOffset = 2;

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        // Notes are typed line by line (a medication per line without bullets): a line break is a line break.
        .UseSoftlineBreakAsHardlineBreak()
        .Build();

    // Elements whose content is code or a document of its own, not text: removed with everything inside.
    private static readonly HashSet<string> RemovedWhole = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
        "select", "textarea", "title", "head", "xmp", "noembed", "noframes",
    };

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    /// <summary>The note as safe HTML; empty for no text.</summary>
    public static string Render(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return "";

        var document = Markdown.Parse(text, Pipeline);
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            heading.Level = Math.Min(6, heading.Level + HeadingOffset);
        }

        return Sanitizer.Sanitize(Markdown.ToHtml(document, Pipeline));
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "sub", "sup",
                "small", "code", "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tfoot",
                "tr", "th", "td", "a", "span", "div", "abbr",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "title", "colspan", "rowspan", "start" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<CssRuleType>(),
            AllowedClasses = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
        };
        var sanitizer = new HtmlSanitizer(options) { KeepChildNodes = true };
        sanitizer.RemovingTag += (_, e) =>
        {
            if (RemovedWhole.Contains(e.Tag.LocalName))
            {
                e.Tag.TextContent = "";
            }
        };
        // Only absolute web and mail links leave the note: a relative one would act inside HimPortal with the reader's
        // session. (On Linux, Uri takes "/Administration/Users" for an absolute file path: the scheme must be written.)
        sanitizer.FilterUrl += (_, e) =>
        {
            var written = e.SanitizedUrl?.Trim() ?? "";
            if (!Uri.TryCreate(written, UriKind.Absolute, out var uri) || !options.AllowedSchemes.Contains(uri.Scheme)
                || !written.StartsWith(uri.Scheme + ":", StringComparison.OrdinalIgnoreCase))
            {
                e.SanitizedUrl = null;
            }
        };
        // A link out of a chart must not tell the other site which chart it came from, nor get a handle on this window.
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is IElement { LocalName: "a" } link && link.HasAttribute("href"))
            {
                link.SetAttribute("rel", "noopener noreferrer nofollow");
            }
        };
        return sanitizer;
    }
}
