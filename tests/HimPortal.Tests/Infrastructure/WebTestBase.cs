namespace HimPortal.Tests.Infrastructure;

/// <summary>
/// A test class's database and web app, created once for the class. Subclasses are the test classes; xunit runs
/// classes in parallel, each on a database of its own.
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public HimPortalFactory Factory { get; private set; } = null!;

    public IServiceProvider Services => Factory.Services;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Factory = new HimPortalFactory(Database);
        _ = Factory.Server;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}
