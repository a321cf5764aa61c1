using HimPortal.Application.Accounts.SignInWithProvider;
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

    /// <summary>Marks a challenge that asks the provider to authenticate the person again (prompt=login, max_age=0).</summary>
    public const string ReauthenticateItem = "himportal.reauthenticate";

    /// <summary>How recent the provider's auth_time must be after a re-authentication.</summary>
    public static readonly TimeSpan FreshAuthentication = TimeSpan.FromMinutes(5);

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
            options.Events.OnRedirectToIdentityProvider = context =>
            {
                // Re-authentication (before signing): the provider must ask for the person's credentials again, now.
                if (context.Properties.Items.ContainsKey(ReauthenticateItem))
                {
                    context.ProtocolMessage.Prompt = "login";
                    context.ProtocolMessage.MaxAge = "0";
                }

                return Task.CompletedTask;
            };
            if (!requireHttps)
            {
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            }
        });
    }
}
