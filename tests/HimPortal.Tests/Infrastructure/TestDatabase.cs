using HimPortal.Application;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Audit;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace HimPortal.Tests.Infrastructure;

/// <summary>A database of its own for one test class, copied from the migrated template, dropped afterwards.</summary>
public interface IDatabaseConnections
{
    string AppConnectionString { get; }

    string OwnerConnectionString { get; }
}

public sealed class TestDatabase : IAsyncLifetime, IDatabaseConnections
{
    private PostgresServer.Server? _server;

    public string Name { get; } = "himportal_t_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>The application's login: DML on working tables, append and read on the audit.</summary>
    public string AppConnectionString => _server!.Connection(Name, PostgresServer.AppRole);

    /// <summary>The schema owner, as used by `himportal migrate`.</summary>
    public string OwnerConnectionString => _server!.Connection(Name, PostgresServer.OwnerRole);

    /// <summary>A superuser, for tampering tests only.</summary>
    public string SuperuserConnectionString => _server!.Superuser(Name);

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        await PostgresServer.ExecuteAsync(_server.Superuser("postgres"),
            $"CREATE DATABASE {Name} TEMPLATE {_server.TemplateDatabase} OWNER {PostgresServer.OwnerRole}");
    }

    public async Task DisposeAsync()
    {
        foreach (var cs in new[] { AppConnectionString, OwnerConnectionString, SuperuserConnectionString })
        {
            await using var connection = new NpgsqlConnection(cs);
            NpgsqlConnection.ClearPool(connection);
        }

        await PostgresServer.ExecuteAsync(_server!.Superuser("postgres"), $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    public IConfiguration Configuration(IDictionary<string, string?>? extra = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:HimPortal"] = AppConnectionString,
            ["ConnectionStrings:HimPortalAdmin"] = OwnerConnectionString,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>The data and application layers as the CLI composes them, acting as <paramref name="actor"/>.</summary>
    public ServiceProvider Services(TestActor? actor = null, TimeProvider? clock = null, IDictionary<string, string?>? settings = null)
    {
        var configuration = Configuration(settings);
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging();
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        services.AddHimPortalData();
        services.AddHimPortalApplication();
        var fallback = actor ?? new TestActor();
        // A job's scope acts as the job's user (ActorScope), as in the web host; otherwise the test's actor.
        services.AddScoped<IAuditActorAccessor>(sp => new ScopedActor(sp.GetRequiredService<ActorScope>(), fallback));
        services.AddIdentityCore<HimUser>()
            .AddRoles<HimRole>()
            .AddStores();
        services.TryAddSingleton(TimeProvider.System);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public async Task<T> ScalarAsync<T>(string sql, string? connectionString = null)
    {
        await using var connection = new NpgsqlConnection(connectionString ?? SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql, string? connectionString = null) =>
        await PostgresServer.ExecuteAsync(connectionString ?? SuperuserConnectionString, sql);
}

/// <summary>The actor the audit names in application-level tests; change it to act as someone else.</summary>
public sealed class TestActor : IAuditActorAccessor
{
    /// <summary>By default the console's operator (the Console role), as the console's commands run.</summary>
    public AuditActor Current { get; set; } = new(null, "test-runner", [Roles.Console], "127.0.0.1", "xunit", "test-correlation-id");

    public void ActAs(Guid userId, string userName, params string[] roles) =>
        Current = Current with { UserId = userId, UserName = userName, Roles = roles };
}

internal sealed class ScopedActor(ActorScope scope, IAuditActorAccessor fallback) : IAuditActorAccessor
{
    public AuditActor Current => scope.Actor ?? fallback.Current;
}

/// <summary>A clock the tests move by hand (idle timeouts, lockout expiry).</summary>
public sealed class TestClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public void Set(DateTimeOffset now) => _now = now;
}
