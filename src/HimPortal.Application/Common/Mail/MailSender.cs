using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace HimPortal.Application.Common.Mail;

/// <summary>
/// Sends mail through the configured SMTP relay with MailKit, one connection per message (account mail is rare). Sends
/// from background jobs only (a request would wait on the relay, and its timing would tell who has an account); a
/// failure throws, so the job is retried. Nothing here logs an address or a message.
/// </summary>
public sealed class MailSender(IOptions<MailOptions> options)
{
    public bool IsConfigured => options.Value.IsConfigured;

    public MailOptions Settings => options.Value;

    /// <summary>A plain-text message from the configured sender.</summary>
    public MimeMessage Compose(string toAddress, string? toName, string subject, string text)
    {
        var settings = options.Value;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.From ?? throw new InvalidOperationException("Mail:From is not set.")));
        message.To.Add(new MailboxAddress(toName ?? "", toAddress));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = options.Value;
        if (settings.Host is not { Length: > 0 } host)
        {
            throw new InvalidOperationException("No mail server is configured (Mail:Host).");
        }

        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        var security = !settings.UseTls ? SecureSocketOptions.None
            : settings.Port == 465 ? SecureSocketOptions.SslOnConnect
            : SecureSocketOptions.StartTls;
        await client.ConnectAsync(host, settings.Port, security, ct);
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", ct);
        }

        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}
