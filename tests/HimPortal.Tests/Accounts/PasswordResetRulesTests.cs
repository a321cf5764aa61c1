using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Accounts;
using HimPortal.Application.Accounts.RequestPasswordReset;
using HimPortal.Application.Accounts.ResetForgottenPassword;
using HimPortal.Application.Accounts.SendPasswordResetLink;
using HimPortal.Application.Administration.Users.GetUser;
using HimPortal.Application.Administration.Users.LockUser;
using HimPortal.Application.Audit;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Accounts;

/// <summary>The reset's limits, in the application alone: throttles per client and per account, locked accounts, one use under a race.</summary>
public sealed class PasswordResetRulesTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    // Someone not signed in, at the sign-in page (the reset is asked for before any sign-in).
    private static TestActor Anonymous(string ip) => new() { Current = new AuditActor(null, null, [], ip, "xunit", "test") };

    private ServiceProvider Services(TestActor actor) => database.Services(actor, settings: new Dictionary<string, string?>
    {
        // The request only queues the job here (no job runner): the relay is never reached.
        ["Mail:Host"] = "127.0.0.1",
        ["Mail:Port"] = "1",
        ["Mail:UseTls"] = "false",
        ["Mail:From"] = "himportal@test.himportal.example",
        ["Mail:PublicUrl"] = "https://himportal.test.example",
        ["Accounts:PasswordReset:RequestsPerClientPerHour"] = "6",
        ["Accounts:PasswordReset:RequestsPerAccountPerHour"] = "2",
        ["Accounts:PasswordReset:ResponseTime"] = "00:00:00",
    });

    private static async Task<Application.Common.Result<bool>> RequestAsync(ServiceProvider services, string email)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RequestPasswordResetHandler>().HandleAsync(new RequestPasswordResetCommand(email), default);
    }

    private Task<long> LinkJobsAsync(Guid userId) =>
        database.ScalarAsync<long>($"SELECT count(*) FROM jobs.jobs WHERE kind = '{SendPasswordResetLinkJob.Kind}' AND payload->>'userId' = '{userId}'");

    [Fact]
    public async Task Requests_are_limited_per_account_silently_and_per_client_openly()
    {
        await using var console = database.Services();
        var clerk = await Personas.CreateAsync(console, Roles.HimClerk);
        await using var services = Services(Anonymous("10.1.2.3"));

        for (var i = 0; i < 3; i++)
        {
            (await RequestAsync(services, clerk.Email)).IsSuccess.ShouldBeTrue();
        }

        // The third request got the same answer but sent nothing.
        (await LinkJobsAsync(clerk.Id)).ShouldBe(2);
        (await database.ScalarAsync<string>(
            $"SELECT string_agg(purpose, ' | ' ORDER BY purpose) FROM audit.access_events WHERE resource_id = '{clerk.Id}' AND resource_type = 'PasswordResetLink' AND action = 'create' AND purpose <> 'reset link sent by e-mail'"))
            .ShouldBe("reset link not sent: too many requests for this account | reset link requested | reset link requested");

        for (var i = 0; i < 3; i++)
        {
            (await RequestAsync(services, $"someone.{i}@test.himportal.example")).IsSuccess.ShouldBeTrue();
        }

        var throttled = await RequestAsync(services, "someone.else@test.himportal.example");
        throttled.Error!.Code.ShouldBe("account.throttled");
        throttled.Error.Message.ShouldStartWith("Too many requests from this computer.");

        // Another client is not held back by this one.
        await using var other = Services(Anonymous("10.9.9.9"));
        (await RequestAsync(other, "someone.else@test.himportal.example")).IsSuccess.ShouldBeTrue();
    }

    [Fact]
    public async Task An_account_locked_by_an_administrator_gets_no_link_and_its_old_link_sets_nothing()
    {
        await using var console = database.Services();
        var manager = await Personas.CreateAsync(console, Roles.HimManager);
        string token;
        await using (var scope = console.CreateAsyncScope())
        {
            token = (await scope.ServiceProvider.GetRequiredService<PasswordResetTokens>().IssueAsync(manager.Id, TimeSpan.FromMinutes(30), default)).Token;
            var user = (await scope.ServiceProvider.GetRequiredService<GetUserHandler>().HandleAsync(new GetUserQuery(manager.Id), default)).Value!;
            (await scope.ServiceProvider.GetRequiredService<LockUserHandler>()
                .HandleAsync(new LockUserCommand(manager.Id, true, user.ConcurrencyStamp, "suspected compromise"), default)).IsSuccess.ShouldBeTrue();
        }

        await using var services = Services(Anonymous("10.4.4.4"));
        (await RequestAsync(services, manager.Email)).IsSuccess.ShouldBeTrue();
        (await LinkJobsAsync(manager.Id)).ShouldBe(0);

        await using var reset = services.CreateAsyncScope();
        var refused = await reset.ServiceProvider.GetRequiredService<ResetForgottenPasswordHandler>()
            .HandleAsync(new ResetForgottenPasswordCommand(token, "gravel-sonnet-plume-harbor-4", "gravel-sonnet-plume-harbor-4"), default);
        refused.Error!.Code.ShouldBe(AccountErrors.LinkNotValid.Code);
        (await database.ScalarAsync<string>(
            $"SELECT purpose FROM audit.access_events WHERE resource_id = '{manager.Id}' AND resource_type = 'Password'"))
            .ShouldBe("reset link refused: account locked by an administrator");
    }

    [Fact]
    public async Task Two_requests_racing_with_one_link_set_one_password()
    {
        await using var console = database.Services();
        var officer = await Personas.CreateAsync(console, Roles.ComplianceOfficer);
        string token;
        await using (var scope = console.CreateAsyncScope())
        {
            token = (await scope.ServiceProvider.GetRequiredService<PasswordResetTokens>().IssueAsync(officer.Id, TimeSpan.FromMinutes(30), default)).Token;
        }

        await using var services = Services(Anonymous("10.5.5.5"));
        async Task<Application.Common.Result<string>> ResetAsync(string password)
        {
            await using var scope = services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ResetForgottenPasswordHandler>()
                .HandleAsync(new ResetForgottenPasswordCommand(token, password, password), default);
        }

        var results = await Task.WhenAll(ResetAsync("first-racer-lagoon-tinsel-6"), ResetAsync("second-racer-meadow-copper-9"));

        results.Count(r => r.IsSuccess).ShouldBe(1);
        results.Single(r => !r.IsSuccess).Error!.Code.ShouldBe(AccountErrors.LinkNotValid.Code);
        (await database.ScalarAsync<long>($"SELECT count(*) FROM identity.password_reset_tokens WHERE user_id = '{officer.Id}' AND used_at IS NOT NULL")).ShouldBe(1);
        await using var check = console.CreateAsyncScope();
        var users = check.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<HimPortal.Data.Identity.HimUser>>();
        var user = (await users.FindByIdAsync(officer.Id.ToString()))!;
        var winner = results[0].IsSuccess ? "first-racer-lagoon-tinsel-6" : "second-racer-meadow-copper-9";
        (await users.CheckPasswordAsync(user, winner)).ShouldBeTrue();
    }
}
