namespace HimPortal.Portal.Security;

/// <summary>
/// What an internet-facing host adds to the shared security headers (SecurityHeadersMiddleware): no camera, microphone,
/// location or payment access for any page (Permissions-Policy); a window of its own, so another site that opened the
/// portal cannot reach into it (Cross-Origin-Opener-Policy); nothing of it embedded by other sites (Cross-Origin-Resource-Policy).
/// HSTS is added by UseHsts when the portal runs on https (Security:RequireHttps).
/// </summary>
public sealed class PortalHeaders(RequestDelegate next)
{
    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers["Permissions-Policy"] = PermissionsPolicy;
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next(context);
    }
}
