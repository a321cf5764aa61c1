using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace HimPortal.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on loopback (the SmtpServer library, MIT) that keeps every message it accepts, parsed with
/// MimeKit. HimPortal sends to it over TCP with MailKit exactly as to a hospital's relay: nothing in the application
/// knows it is a test.
/// </summary>
public sealed class MailServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Store _store = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;

    public MailServer()
    {
        Port = MailWebFixture.FreePort();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("mail.test.himportal.example")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(_store);
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    public IReadOnlyCollection<MimeMessage> Messages => _store.Messages;

    /// <summary>The settings that send HimPortal's mail here (plain SMTP on loopback) with links to <paramref name="publicUrl"/>.</summary>
    public Dictionary<string, string?> Settings(string publicUrl = "http://localhost") => new()
    {
        ["Mail:Host"] = "127.0.0.1",
        ["Mail:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mail:UseTls"] = "false",
        ["Mail:From"] = "himportal@test.himportal.example",
        ["Mail:PublicUrl"] = publicUrl,
    };

    /// <summary>The messages to <paramref name="address"/> so far.</summary>
    public IReadOnlyList<MimeMessage> To(string address) =>
        Messages.Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();

    /// <summary>Waits until <paramref name="count"/> messages to <paramref name="address"/> have arrived; returns the newest.</summary>
    public async Task<MimeMessage> WaitForAsync(string address, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var received = To(address);
            if (received.Count >= count)
            {
                return received[^1];
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{count} message(s) to {address} did not arrive; {Messages.Count} message(s) in all.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _server.Shutdown();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private sealed class Store : MessageStore
    {
        private readonly ConcurrentQueue<MimeMessage> _messages = new();

        public IReadOnlyCollection<MimeMessage> Messages => _messages;

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream();
            foreach (var segment in buffer)
            {
                await stream.WriteAsync(segment, cancellationToken);
            }

            stream.Position = 0;
            _messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
