using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Administration.Users.CreateUser;
using HimPortal.Application.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Infrastructure;

/// <summary>Real Identity users, one per role, created through the same handler the CLI and the admin page use.</summary>
public sealed record Persona(Guid Id, string Email, string Password, string Role);

public static class Personas
{
    public static async Task<Persona> CreateAsync(IServiceProvider services, string role, string? email = null, string? npi = null, string? name = null)
    {
        await using var scope = services.CreateAsyncScope();
        // Made as the console makes accounts (`himportal users add`), whoever the test acts as.
        scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(ConsoleOperator);
        var handler = scope.ServiceProvider.GetRequiredService<CreateUserHandler>();
        var password = PasswordGenerator.Generate();
        email ??= $"{role.ToLowerInvariant()}.{Guid.NewGuid().ToString("N")[..8]}@test.himportal.example";
        // A persona's password is the test's own, not an issued one to replace (the forced change has tests of its own).
        var result = await handler.HandleAsync(new CreateUserCommand(email, name ?? "Test " + role, [role], npi, password, RequirePasswordChange: false),
            CancellationToken.None);
        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        return new Persona(result.Value!.Id, email, password, role);
    }

    public static readonly AuditActor ConsoleOperator = new(null, "cli:test", [Roles.Console], "local", "xunit", null);

    /// <summary>The roles that sign in to the staff app: all but Patient, whose accounts it refuses (issue 19; the portal is theirs).</summary>
    public static readonly IReadOnlyList<string> StaffRoles = [.. Roles.All.Where(r => r != Roles.Patient)];

    /// <summary>One persona per staff role (<see cref="StaffRoles"/>), for the staff app's page × role tests.</summary>
    public static async Task<IReadOnlyDictionary<string, Persona>> OnePerRoleAsync(IServiceProvider services)
    {
        var personas = new Dictionary<string, Persona>();
        foreach (var role in StaffRoles)
        {
            personas[role] = await CreateAsync(services, role);
        }

        return personas;
    }
}
