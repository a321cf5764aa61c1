using HimPortal.Application.Accounts.SignInWithProvider;
using HimPortal.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Web.Security;

/// <summary>
/// OpenID Connect sign-in through the hospital's identity provider (section "Oidc"), when one is configured: the code
/// flow with PKCE; the provider's answer lands in Identity's short-lived external cookie, which
/// /Account/ProviderCallback turns into a HimPortal session (SignInWithProviderHandler).
/// </summary>
public static class ProviderSignIn
{
    public const string Scheme = "oidc";

    public static void AddProviderSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration.GetSection(ProviderSignInOptions.Section).Get<ProviderSignInOptions>() ?? new ProviderSignInOptions();
        if (!provider.Enabled)
        {
            return;
        }

        var requireHttps = configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>()?.RequireHttps ?? true;
        services.AddAuthentication().AddOpenIdConnect(Scheme, options =>
        {
            options.SignInScheme = IdentityConstants.ExternalScheme;
            options.Authority = provider.Authority;
            options.ClientId = provider.ClientId;
            options.ClientSecret = provider.ClientSecret;
            options.ResponseType = "code";
            options.UsePkce = true;
            // The code comes back in the address (a redirect), not in a form the browser must post with a script: the CSP
            // allows no inline script, and with PKCE the code alone is worth nothing.
            options.ResponseMode = "query";
            options.Scope.Clear();
            options.Scope.Add("openid");
            options.Scope.Add("profile");
            options.Scope.Add("email");
            options.RequireHttpsMetadata = provider.RequireHttpsMetadata;
            // The provider's claim names as they are (sub, email, groups, auth_time), not mapped to long URIs.
            options.MapInboundClaims = false;
            options.SaveTokens = false;
            options.TokenValidationParameters.NameClaimType = "name";
            if (!requireHttps)
            {
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            }
        });
    }
}
