using System.Text.RegularExpressions;
using Serilog.Context;

namespace HimPortal.Hosting;

/// <summary>
/// Gives every request a correlation id (a caller's X-Correlation-Id when well-formed, else a new one) that ties its
/// log lines, its audit rows and the error page together.
/// </summary>
public sealed partial class CorrelationIdMiddleware(RequestDelegate next)
{
    public const string Header = "X-Correlation-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var offered = context.Request.Headers[Header].ToString();
        var id = WellFormed().IsMatch(offered) ? offered : Guid.CreateVersion7().ToString("N");
        context.TraceIdentifier = id;
        // Set as the response starts: the exception handler clears the headers before the error page is written.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = id;
            return Task.CompletedTask;
        });
        using (LogContext.PushProperty("CorrelationId", id))
        {
            await next(context);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9-]{8,64}$")]
    private static partial Regex WellFormed();
}

/// <summary>Headers every page gets: no framing, no sniffing, no referrer leaks, and no caching of pages that may show patient data.</summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
            // An endpoint may ask to be kept privately by the browser (a page image under an ETag, issue 15); never publicly.
            var keptPrivately = headers.CacheControl.ToString().StartsWith("private", StringComparison.Ordinal);
            if (!context.Request.Path.StartsWithSegments("/css") && !context.Request.Path.StartsWithSegments("/js")
                && context.Request.Path != "/favicon.svg" && !keptPrivately)
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}
