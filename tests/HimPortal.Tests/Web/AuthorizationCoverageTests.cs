using System.Net;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;
using HimPortal.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Web;

public sealed class AuthorizationCoverageTests(WebFixture web) : IClassFixture<WebFixture>
{
    [Fact]
    public void Every_page_and_endpoint_names_a_policy_or_is_explicitly_anonymous()
    {
        var endpoints = web.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        endpoints.Count.ShouldBeGreaterThan(10);

        var unguarded = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null
                        && !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => !string.IsNullOrEmpty(a.Policy)))
            .Select(e => e.RoutePattern.RawText ?? e.DisplayName)
            .ToList();

        unguarded.ShouldBeEmpty();
    }

    [Fact]
    public async Task Anonymous_users_are_sent_to_sign_in_from_every_role_home()
    {
        using var client = web.Factory.Browserless();
        foreach (var home in HomePages.All)
        {
            var response = await client.GetAsync(new Uri(home.Path, UriKind.Relative));
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, home.Path);
            response.Headers.Location!.ToString().ShouldContain("/Account/Login");
        }
    }

    [Fact]
    public async Task Each_role_reaches_its_own_home_and_is_refused_every_other_one()
    {
        var personas = await Personas.OnePerRoleAsync(web.Services);
        foreach (var persona in personas.Values)
        {
            using var client = web.Factory.Browserless();
            (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
            foreach (var home in HomePages.All)
            {
                var response = await client.GetAsync(new Uri(home.Path, UriKind.Relative));
                var allowed = RolePermissions.Grants([persona.Role], home.Permission);
                if (allowed)
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{persona.Role} -> {home.Path}");
                }
                else
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{persona.Role} -> {home.Path}");
                    response.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
                }
            }

            var denials = await web.Database.ScalarAsync<long>(
                $"SELECT count(*) FROM audit.access_events WHERE user_id = '{persona.Id}' AND outcome = 'denied' AND resource_type = 'Page'");
            denials.ShouldBe(HomePages.All.Count(h => !RolePermissions.Grants([persona.Role], h.Permission)));
        }
    }

    [Fact]
    public async Task Health_endpoints_answer_anonymously()
    {
        using var client = web.Factory.Browserless();
        (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync()).ShouldBe("Healthy");
    }
}
