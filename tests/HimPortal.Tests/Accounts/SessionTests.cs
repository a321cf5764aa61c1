using HimPortal.Application.Audit;
using System.Net;
using HimPortal.Application.Access;
using HimPortal.Application.Administration.Users.ChangeRoles;
using HimPortal.Application.Administration.Users.GetUser;
using HimPortal.Application.Administration.Users.LockUser;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Accounts;

/// <summary>Server-side sessions: idle timeout, absolute lifetime, and an administrator's change ending them at once.</summary>
public sealed class SessionTests(WebFixture web) : IClassFixture<WebFixture>
{
    private async Task<(Persona Persona, HttpClient Client)> SignedInAsync(string role)
    {
        var persona = await Personas.CreateAsync(web.Services, role);
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return (persona, client);
    }

    private static async Task<bool> SignedInStillAsync(HttpClient client, string path) =>
        (await client.GetAsync(new Uri(path, UriKind.Relative))).StatusCode == HttpStatusCode.OK;

    [Fact]
    public async Task Fifteen_idle_minutes_end_the_session_and_the_end_is_audited()
    {
        var (persona, client) = await SignedInAsync(Roles.RoiSpecialist);
        web.Factory.Clock.Advance(TimeSpan.FromMinutes(14));
        (await SignedInStillAsync(client, "/Roi")).ShouldBeTrue();

        web.Factory.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));

        (await SignedInStillAsync(client, "/Roi")).ShouldBeFalse();
        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{persona.Id}' AND action = 'logout' AND purpose = 'idle-timeout'")).ShouldBe(1);
        client.Dispose();
    }

    [Fact]
    public async Task No_session_outlives_twelve_hours_however_active()
    {
        var (_, client) = await SignedInAsync(Roles.RoiSpecialist);
        for (var i = 0; i < 71; i++)
        {
            web.Factory.Clock.Advance(TimeSpan.FromMinutes(10));
            (await SignedInStillAsync(client, "/Roi")).ShouldBeTrue($"after {(i + 1) * 10} minutes");
        }

        web.Factory.Clock.Advance(TimeSpan.FromMinutes(11));
        (await SignedInStillAsync(client, "/Roi")).ShouldBeFalse();
        client.Dispose();
    }

    [Fact]
    public async Task Locking_a_user_ends_their_open_session_at_once()
    {
        var (persona, client) = await SignedInAsync(Roles.HimClerk);
        (await SignedInStillAsync(client, "/Intake")).ShouldBeTrue();

        await using (var scope = web.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(Personas.ConsoleOperator);
            var user = (await scope.ServiceProvider.GetRequiredService<GetUserHandler>().HandleAsync(new GetUserQuery(persona.Id), default)).Value!;
            user.ActiveSessions.ShouldBe(1);
            var locked = await scope.ServiceProvider.GetRequiredService<LockUserHandler>()
                .HandleAsync(new LockUserCommand(persona.Id, true, user.ConcurrencyStamp, "left the hospital"), default);
            locked.IsSuccess.ShouldBeTrue(locked.Error?.Message);
        }

        (await SignedInStillAsync(client, "/Intake")).ShouldBeFalse();
        using var again = web.Factory.Browserless();
        var retry = await HimPortalFactory.SignInAsync(again, persona.Email, persona.Password);
        // The one message of every failure (a locked account is not told apart from a wrong password); the audit says why.
        (await retry.Content.ReadAsStringAsync()).ShouldContain("The e-mail or password is not right, or the account cannot sign in now.");
        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{persona.Id}' AND action = 'login-failed' AND purpose = 'account locked'")).ShouldBe(1);
        client.Dispose();
    }

    [Fact]
    public async Task Changing_roles_ends_the_session_and_the_new_role_applies_at_the_next_sign_in()
    {
        var (persona, client) = await SignedInAsync(Roles.HimClerk);

        await using (var scope = web.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(Personas.ConsoleOperator);
            var user = (await scope.ServiceProvider.GetRequiredService<GetUserHandler>().HandleAsync(new GetUserQuery(persona.Id), default)).Value!;
            var changed = await scope.ServiceProvider.GetRequiredService<ChangeRolesHandler>()
                .HandleAsync(new ChangeRolesCommand(persona.Id, [Roles.RoiSpecialist], user.ConcurrencyStamp), default);
            changed.IsSuccess.ShouldBeTrue(changed.Error?.Message);

            var stale = await scope.ServiceProvider.GetRequiredService<ChangeRolesHandler>()
                .HandleAsync(new ChangeRolesCommand(persona.Id, [Roles.HimClerk], user.ConcurrencyStamp), default);
            stale.Error!.Code.ShouldBe("user.conflict");
        }

        (await SignedInStillAsync(client, "/Intake")).ShouldBeFalse();
        using var again = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(again, persona.Email, persona.Password);
        (await SignedInStillAsync(again, "/Roi")).ShouldBeTrue();
        (await again.GetAsync(new Uri("/Intake", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        client.Dispose();
    }
}
