using HimPortal.Application.Access.Identity;
using Microsoft.AspNetCore.Http.Extensions;

namespace HimPortal.Hosting;

/// <summary>
/// A user whose role requires a second factor (Identity:TwoFactor) and who has none reaches only the set-up page, sign-out
/// and the error pages: every other request is sent to set-up. The mark is a claim of the session's ticket
/// (<see cref="AccountClaims.MustEnrolSecondFactor"/>), so this costs no query. Runs after the password-change gate.
/// </summary>
public sealed class SecondFactorGate(RequestDelegate next)
{
    public const string SetUpPage = "/Account/Authenticator";

    private static readonly PathString[] Open = [SetUpPage, "/Account/Logout", "/Account/ChangePassword", "/Account/AccessDenied", "/Error", "/health"];

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.Identity?.IsAuthenticated != true || !context.User.MustEnrolSecondFactorNow()
            || Open.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)))
        {
            return next(context);
        }

        context.Response.Redirect(SetUpPage + "?returnUrl=" + Uri.EscapeDataString(HttpMethods.IsGet(context.Request.Method) ? context.Request.GetEncodedPathAndQuery() : "/"));
        return Task.CompletedTask;
    }
}
