using System.Net;
using System.Net.Sockets;

namespace HimPortal.Tests.Infrastructure;

/// <summary>
/// The web app (as <see cref="WebFixture"/>) sending its mail to a real SMTP server of the test's own
/// (<see cref="MailServer"/>), its links naming the test server (http://localhost, the address the test client uses).
/// </summary>
public sealed class MailWebFixture : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public MailServer Mail { get; } = new();

    public HimPortalFactory Factory { get; private set; } = null!;

    public IServiceProvider Services => Factory.Services;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Factory = new HimPortalFactory(Database);
        foreach (var (key, value) in Mail.Settings())
        {
            Factory.Settings[key] = value;
        }

        // Many requests from the one test client in a class; the limits themselves have tests of their own.
        Factory.Settings["Accounts:PasswordReset:RequestsPerClientPerHour"] = "1000";
        _ = Factory.Server;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Mail.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>A loopback port free just now (for a server whose address must be known before it starts).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
