using HimPortal.Application.Access.Identity;
using Microsoft.AspNetCore.Http.Extensions;

namespace HimPortal.Hosting;

/// <summary>
/// A user signed in with a password an administrator issued (a new account, a reset) reaches only the change-password
/// page, sign-out and the error pages until they have chosen their own: every other request, GET or POST, is sent to
/// the change page (a POST does nothing). The mark is a claim of the session's ticket (<see cref="AccountClaims"/>), so
/// this costs no query; it runs after authentication and before any page's authorization or handler.
/// </summary>
public sealed class PasswordChangeGate(RequestDelegate next)
{
    public const string ChangePage = "/Account/ChangePassword";

    private static readonly PathString[] Open = [ChangePage, "/Account/Logout", "/Account/AccessDenied", "/Error", "/health"];

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.Identity?.IsAuthenticated != true || !context.User.MustChangePasswordNow()
            || Open.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)))
        {
            return next(context);
        }

        // Back to where the user was going once the password is changed (a GET's own address; a POST starts over at home).
        var returnUrl = HttpMethods.IsGet(context.Request.Method) ? context.Request.GetEncodedPathAndQuery() : "/";
        context.Response.Redirect(ChangePage + "?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return Task.CompletedTask;
    }
}
