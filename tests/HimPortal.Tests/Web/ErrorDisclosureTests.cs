using System.Net;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Web;

/// <summary>
/// With the database gone, the README's run command once answered with the developer exception page: the stack trace
/// and the request's session cookie. The run command runs as production does; an error shows the error page only.
/// </summary>
public sealed class ErrorDisclosureTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    /// <summary>The environment scripts/run.sh gives the web app when the user names none.</summary>
    public static string RunScriptEnvironment()
    {
        var script = File.ReadAllText(Path.Combine(Repository.Root, "scripts", "run.sh"));
        var match = Regex.Match(script, @"ASPNETCORE_ENVIRONMENT=""\$\{ASPNETCORE_ENVIRONMENT:-(\w+)\}""");
        match.Success.ShouldBeTrue("scripts/run.sh names the web app's environment");
        return match.Groups[1].Value;
    }

    [Fact]
    public void The_run_command_does_not_run_in_development()
    {
        RunScriptEnvironment().ShouldNotBe("Development");
    }

    [Fact]
    public async Task With_the_database_gone_a_signed_in_page_shows_no_stack_trace_and_no_cookie()
    {
        // Over a real socket, as a browser meets it (the in-process test server hands an unhandled exception to the client).
        await using var web = new HimPortalFactory(database, kestrel: true) { Environment = RunScriptEnvironment() };
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var handler = new HttpClientHandler { UseCookies = true, AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(web.ServerAddress) };
        (await HimPortalFactory.SignInAsync(client, clerk.Email, clerk.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var admin = new Npgsql.NpgsqlConnectionStringBuilder(database.SuperuserConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await database.ExecuteAsync($"ALTER DATABASE {database.Name} ALLOW_CONNECTIONS false", admin);
        await database.ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database.Name}' AND pid <> pg_backend_pid()", admin);
        try
        {
            using var response = await client.GetAsync(new Uri("/", UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).ShouldBe(500);
            body.ShouldNotContain("Npgsql");
            body.ShouldNotContain("   at ");
            body.ShouldNotContain(".AspNetCore.Cookies");
            body.ShouldNotContain("Cookie");
        }
        finally
        {
            await database.ExecuteAsync($"ALTER DATABASE {database.Name} ALLOW_CONNECTIONS true", admin);
        }
    }
}
