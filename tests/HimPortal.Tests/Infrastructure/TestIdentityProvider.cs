using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace HimPortal.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider for the tests: OpenIddict's server on Kestrel (loopback, plain HTTP), the code flow with
/// PKCE, one confidential client, signing keys made for the run. Who "signs in" at the provider is whoever the test put
/// in <see cref="Person"/>: the provider vouches for them at once, with their groups in the ID token.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "himportal";
    public const string ClientSecret = "test-client-secret-7c1e";

    private readonly WebApplication _app;

    /// <param name="AuthenticatedAgo">How long ago the person last typed their credentials at the provider (auth_time).</param>
    public sealed record Account(string Subject, string Email, string Name, IReadOnlyList<string> Groups, TimeSpan AuthenticatedAgo = default);

    public Account? Person { get; set; }

    /// <summary>The prompt and max_age of every authorization request, in order.</summary>
    public List<(string? Prompt, long? MaxAge)> Requests { get; } = [];

    public string Authority { get; }

    private TestIdentityProvider(WebApplication app, string authority)
    {
        _app = app;
        Authority = authority;
    }

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            options.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email);
            options.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
            // No stores: the one client is checked by the handlers below, the codes are self-contained.
            options.EnableDegradedMode();
            options.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            options.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId)
                {
                    context.Reject(Errors.InvalidClient, "Unknown client.");
                }

                return default;
            }));
            options.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.ClientSecret != ClientSecret)
                {
                    context.Reject(Errors.InvalidClient, "Unknown client or wrong secret.");
                }

                return default;
            }));
        });

        var app = builder.Build();
        TestIdentityProvider? provider = null;
        app.MapGet("/connect/authorize", (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest()!;
            provider!.Requests.Add((request.Prompt, request.MaxAge));
            if (provider!.Person is not { } person)
            {
                return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, person.Subject).SetClaim(Claims.Email, person.Email).SetClaim(Claims.Name, person.Name)
                .SetClaim(Claims.AuthenticationTime, (DateTimeOffset.UtcNow - person.AuthenticatedAgo).ToUnixTimeSeconds());
            foreach (var group in person.Groups)
            {
                identity.AddClaim(new Claim("groups", group));
            }

            identity.SetScopes(request.GetScopes());
            identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        provider = new TestIdentityProvider(app, address.TrimEnd('/') + "/");
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
