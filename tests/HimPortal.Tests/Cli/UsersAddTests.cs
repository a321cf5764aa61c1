using HimPortal.Data.Identity;
using HimPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Cli;

public sealed class UsersAddTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private Task<long> UsersAsync() => database.ScalarAsync<long>("SELECT count(*) FROM identity.users");

    [Fact]
    public async Task Without_a_password_it_generates_a_strong_one_that_signs_in()
    {
        var run = await CliRunner.RunAsync(database, null, "users", "add", "--email", "first.admin@hospital.example", "--role", "Administrator");

        run.ExitCode.ShouldBe(0, run.Error);
        var password = run.Output.Split('\n').Single(l => l.StartsWith("Password: ", StringComparison.Ordinal))["Password: ".Length..].Trim();
        password.Length.ShouldBeGreaterThanOrEqualTo(20);
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<HimUser>>();
        var user = (await users.FindByEmailAsync("first.admin@hospital.example")).ShouldNotBeNull();
        (await users.CheckPasswordAsync(user, password)).ShouldBeTrue();
        (await users.GetRolesAsync(user)).ShouldBe(["Administrator"]);
        // The operator knows this password: its user must choose their own at the first sign-in.
        user.MustChangePassword.ShouldBeTrue();
        run.Output.ShouldContain("The user chooses their own password at the first sign-in.");
        var audited = await database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE action = 'admin' AND resource_id = '{user.Id}' AND user_name LIKE 'cli:%'");
        audited.ShouldBe(1);
    }

    [Fact]
    public async Task A_password_from_stdin_and_a_practitioner_npi_are_stored()
    {
        var run = await CliRunner.RunAsync(database, "marble-orchard-lantern-velvet", "users", "add",
            "--email", "dr.link@hospital.example", "--role", "physician", "--practitioner-npi", "9999999619", "--password-stdin",
            "--no-password-change");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Output.ShouldNotContain("Password:");
        run.Output.ShouldNotContain("first sign-in");
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<HimUser>>();
        var user = (await users.FindByEmailAsync("dr.link@hospital.example")).ShouldNotBeNull();
        user.PractitionerNpi.ShouldBe("9999999619");
        (await users.CheckPasswordAsync(user, "marble-orchard-lantern-velvet")).ShouldBeTrue();
        (await users.GetRolesAsync(user)).ShouldBe(["Physician"]);
        user.MustChangePassword.ShouldBeFalse();
    }

    [Fact]
    public async Task A_role_may_be_given_by_the_name_the_pages_show()
    {
        var run = await CliRunner.RunAsync(database, null, "users", "add", "--email", "roi.display@hospital.example",
            "--role", "Release-of-information specialist", "--no-password-change");

        run.ExitCode.ShouldBe(0, run.Error);
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<HimUser>>();
        var user = (await users.FindByEmailAsync("roi.display@hospital.example")).ShouldNotBeNull();
        (await users.GetRolesAsync(user)).ShouldBe(["RoiSpecialist"]);
    }

    [Theory]
    [InlineData("Nurse", null, "Unknown role 'Nurse'")]
    [InlineData("HimClerk", "password123456789", "too common")]
    [InlineData("HimClerk", "short", "at least 15 characters")]
    public async Task Bad_input_exits_non_zero_with_a_one_line_reason_and_creates_nothing(string role, string? password, string reason)
    {
        var before = await UsersAsync();
        var args = new List<string> { "users", "add", "--email", $"bad.{Guid.NewGuid():N}@hospital.example", "--role", role };
        if (password is not null)
        {
            args.Add("--password-stdin");
        }

        var run = await CliRunner.RunAsync(database, password, [.. args]);

        run.ExitCode.ShouldNotBe(0);
        run.Error.Trim().Split('\n').Length.ShouldBe(1);
        run.Error.ShouldContain(reason);
        (await UsersAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_duplicate_email_exits_non_zero_and_creates_nothing()
    {
        (await CliRunner.RunAsync(database, null, "users", "add", "--email", "twice@hospital.example", "--role", "HimClerk")).ExitCode.ShouldBe(0);
        var before = await UsersAsync();

        var run = await CliRunner.RunAsync(database, null, "users", "add", "--email", "TWICE@hospital.example", "--role", "RoiSpecialist");

        run.ExitCode.ShouldNotBe(0);
        run.Error.ShouldContain("already exists");
        (await UsersAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task An_npi_on_a_non_physician_is_refused()
    {
        var run = await CliRunner.RunAsync(database, null, "users", "add", "--email", "clerk.npi@hospital.example", "--role", "HimClerk",
            "--practitioner-npi", "1234567890");
        run.ExitCode.ShouldNotBe(0);
        run.Error.ShouldContain("Only a Physician");
    }

    [Fact]
    public async Task The_privacy_monitoring_profile_is_stored_from_its_options()
    {
        var run = await CliRunner.RunAsync(database, null, "users", "add", "--email", "clerk.profile@hospital.example", "--role", "HimClerk",
            "--department", "Radiology", "--family-name", "Okafor", "--address-line", "12 Elm St", "--city", "Springfield", "--state", "MA",
            "--postal-code", "01103", "--patient-mrn", "M-77");

        run.ExitCode.ShouldBe(0, run.Error);
        (await database.ScalarAsync<string>(
                "SELECT concat_ws('|', department, family_name, address_line, city, state, postal_code, patient_mrn) FROM identity.users WHERE email = 'clerk.profile@hospital.example'"))
            .ShouldBe("Radiology|Okafor|12 Elm St|Springfield|MA|01103|M-77");
    }
}
