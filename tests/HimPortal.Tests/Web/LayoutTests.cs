using System.Net;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Web;

/// <summary>
/// Pages people cannot get lost on, through the real app: error statuses answered inside the layout with a way back and
/// the correlation id (never a stack trace), the skip link, the favicon, and the message after signing out.
/// </summary>
public sealed partial class LayoutTests(WebFixture web) : IClassFixture<WebFixture>
{
    private async Task<HttpClient> SignedInAsync(Persona persona, WebApplicationFactory<Program>? factory = null)
    {
        var client = factory is null
            ? web.Factory.Browserless()
            : factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    [Theory]
    [InlineData("/no/such/page")]
    [InlineData("/Charts/Chart/5f0c8a4e-0000-4000-8000-000000000000")]
    [InlineData("/Jobs/Job/5f0c8a4e-0000-4000-8000-000000000000")]
    public async Task A_signed_in_user_gets_404_inside_the_layout_with_a_way_home(string address)
    {
        var physician = await Personas.CreateAsync(web.Services, Roles.Physician);
        using var client = await SignedInAsync(physician);

        var response = await client.GetAsync(new Uri(address, UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("data-testid=\"error-title\">Page not found<");
        html.ShouldContain($"data-testid=\"signed-in-user\">{physician.Email}<", customMessage: "the layout, with the user's navigation");
        html.ShouldContain("data-testid=\"nav-find-patient\"");
        html.ShouldContain("<a href=\"/\" data-testid=\"back-home\">Back to your work</a>");
        CorrelationId(html).ShouldBe(response.Headers.GetValues("X-Correlation-Id").Single());
    }

    [Fact]
    public async Task A_request_the_app_cannot_read_is_answered_inside_the_layout_and_an_unknown_address_sends_a_stranger_to_sign_in()
    {
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = await SignedInAsync(clerk);

        // A form posted without its antiforgery token: 400, with the page that says so.
        using var empty = new FormUrlEncodedContent(new Dictionary<string, string>());
        var refused = await client.PostAsync(new Uri("/Intake/Import", UriKind.Relative), empty);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await refused.Content.ReadAsStringAsync();
        html.ShouldContain("data-testid=\"error-title\">The request could not be used<");
        html.ShouldContain("data-testid=\"back-home\"");

        using var stranger = web.Factory.Browserless();
        var unknown = await stranger.GetAsync(new Uri("/no/such/page", UriKind.Relative));
        unknown.StatusCode.ShouldBe(HttpStatusCode.Redirect, "the fallback policy: nothing is said to a stranger, not even 'not found'");
        unknown.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    [Fact]
    public async Task An_exception_is_answered_by_the_error_page_with_its_correlation_id_and_no_stack_trace()
    {
        await using var throwing = web.Factory.WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ThrowingAddress>()));
        var manager = await Personas.CreateAsync(web.Services, Roles.HimManager);
        using var client = await SignedInAsync(manager, throwing);

        var response = await client.GetAsync(new Uri(ThrowingAddress.Path, UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("data-testid=\"error-title\">Something went wrong<");
        html.ShouldContain("data-testid=\"back-home\"");
        html.ShouldContain("data-testid=\"nav-management\"");
        CorrelationId(html).ShouldBe(response.Headers.GetValues("X-Correlation-Id").Single());
        html.ShouldNotContain(ThrowingAddress.Message);
        html.ShouldNotContain(nameof(InvalidOperationException));
        html.ShouldNotContain("at HimPortal");
    }

    [Fact]
    public async Task Every_page_has_a_skip_link_to_its_content_and_a_favicon()
    {
        using var stranger = web.Factory.Browserless();
        var login = await stranger.GetStringAsync(new Uri("/Account/Login", UriKind.Relative));
        SkipLink().IsMatch(login).ShouldBeTrue(login);
        login.ShouldContain("<main id=\"content\" tabindex=\"-1\">");
        login.ShouldContain("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\" />");

        var icon = await stranger.GetAsync(new Uri("/favicon.svg", UriKind.Relative));
        icon.StatusCode.ShouldBe(HttpStatusCode.OK);
        icon.Content.Headers.ContentType!.MediaType.ShouldBe("image/svg+xml");
        (await icon.Content.ReadAsStringAsync()).ShouldStartWith("<svg");

        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = await SignedInAsync(clerk);
        var home = await client.GetStringAsync(new Uri("/Intake", UriKind.Relative));
        // The skip link comes first, before the header's links.
        home.IndexOf("data-testid=\"skip-link\"", StringComparison.Ordinal).ShouldBeLessThan(home.IndexOf("<header", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Signing_out_says_so_on_the_sign_in_page()
    {
        var roi = await Personas.CreateAsync(web.Services, Roles.RoiSpecialist);
        using var client = await SignedInAsync(roi);

        var signedOut = await HimPortalFactory.PostFormAsync(client, "/Roi", "/Account/Logout", new());

        signedOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var login = await client.GetStringAsync(signedOut.Headers.Location!);
        login.ShouldContain("data-testid=\"signed-out\">You are signed out.<");
        (await client.GetAsync(new Uri("/Roi", UriKind.Relative))).Headers.Location!.ToString().ShouldContain("/Account/Login");
        (await client.GetStringAsync(new Uri("/Account/Login", UriKind.Relative))).ShouldNotContain("data-testid=\"signed-out\"");
    }

    private static string CorrelationId(string html) => CorrelationIdText().Match(html).Groups[1].Value;

    [GeneratedRegex("data-testid=\"correlation-id\">([^<]+)<")]
    private static partial Regex CorrelationIdText();

    [GeneratedRegex("<body>\\s*<a class=\"skip-link\" href=\"#content\" data-testid=\"skip-link\">Skip to content</a>")]
    private static partial Regex SkipLink();

    /// <summary>An address that throws, at the end of the app's pipeline (where an unmatched request ends up).</summary>
    private sealed class ThrowingAddress : IStartupFilter
    {
        public const string Path = "/test/throws";

        public const string Message = "A message for the log only";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate rest) =>
                context.Request.Path == Path ? throw new InvalidOperationException(Message) : rest(context));
        };
    }
}
