using HimPortal.Application.Common;
using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace HimPortal.Portal.Security;

/// <summary>
/// Requests per client address to the pages a stranger can hammer (settings <c>Portal:RateLimits</c>): sign-in, the
/// code page, activation, password reset and adding a person from a letter. A fixed window per address and per page group; beyond it the answer is 429
/// with the portal's error page. These sit in front of the sign-in throttles and the activation code's own attempt
/// count, which hold per account and per code.
/// </summary>
public sealed class PortalRateLimitOptions
{
    public const string Section = "Portal:RateLimits";

    public const string Policy = "portal-sensitive";

    /// <summary>Requests (any method) one address may make to these pages in one window.</summary>
    [Range(1, 100_000)]
    public int PermitLimit { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
}

public static class PortalRateLimits
{
    /// <summary>
    /// The pages the limit covers: those that check a secret for someone not signed in, and /People/Add, which checks an
    /// activation letter's code for a signed-in account (guessing codes from an account is guessing them all the same).
    /// </summary>
    public static readonly IReadOnlyList<string> Pages =
        ["/Account/Login", "/Account/SignInCode", "/Account/Activate", "/Account/ForgotPassword", "/Account/ResetPassword", "/People/Add"];

    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services)
    {
        services.AddSettings<PortalRateLimitOptions>(PortalRateLimitOptions.Section);
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PortalRateLimitOptions.Policy, context =>
            {
                var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortalRateLimitOptions>>().Value;
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.PermitLimit,
                    Window = options.Window,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = (context, _) =>
            {
                // The page group and nothing about the person: the address is personal data, the account unknown here.
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("HimPortal.Portal.RateLimits")
                    .LogWarning("Too many requests to {Path}: answered 429", context.HttpContext.Request.Path.Value);
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    public static void RequireRateLimits(Microsoft.AspNetCore.Mvc.ApplicationModels.PageConventionCollection conventions)
    {
        ArgumentNullException.ThrowIfNull(conventions);
        foreach (var page in Pages)
        {
            conventions.AddPageApplicationModelConvention(page, model => model.EndpointMetadata.Add(new EnableRateLimitingAttribute(PortalRateLimitOptions.Policy)));
        }
    }
}
