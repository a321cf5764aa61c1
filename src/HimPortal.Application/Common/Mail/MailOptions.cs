using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Common.Mail;

/// <summary>
/// Outgoing mail (section "Mail"): the hospital's SMTP relay. Without a host no mail is sent, and what needs it (the
/// self-service password reset) says so and points to an administrator instead.
/// </summary>
public sealed class MailOptions : IValidatableObject
{
    public const string Section = "Mail";

    /// <summary>The SMTP server (the hospital's relay); empty: no mail.</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>
    /// TLS required: implicit TLS on port 465, STARTTLS on any other port (the message holds a reset link, which must not
    /// cross a network in clear). False only for a relay on the same host, or the demo's and the tests' local server.
    /// </summary>
    public bool UseTls { get; set; } = true;

    /// <summary>The sender's address (a no-reply address of the HIM department).</summary>
    [EmailAddress]
    public string? From { get; set; }

    [MaxLength(100)]
    public string FromName { get; set; } = "HimPortal";

    /// <summary>SMTP authentication, when the relay asks for it; the password from the environment (Mail__Password), never a file in git.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// The address people reach HimPortal at (https://himportal.hospital.example), for the links in mail. Configured, never
    /// taken from a request's Host header, which a caller chooses (a reset link pointing at an attacker's host).
    /// </summary>
    public Uri? PublicUrl { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsConfigured)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(From))
        {
            yield return new ValidationResult("Give the sender's address (Mail:From) when Mail:Host is set.", [nameof(From)]);
        }

        if (PublicUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("Give the address people reach HimPortal at (Mail:PublicUrl, an absolute http(s) URL) when Mail:Host is set.",
                [nameof(PublicUrl)]);
        }

        if (UserName is not null && string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Mail:UserName is set without Mail:Password.", [nameof(Password)]);
        }
    }

    /// <summary>An absolute link to <paramref name="pathAndQuery"/> under <see cref="PublicUrl"/> (which may itself have a path).</summary>
    public Uri Link(string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        var root = PublicUrl ?? throw new InvalidOperationException("Mail:PublicUrl is not set.");
        return new Uri(root.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + pathAndQuery.TrimStart('/'));
    }
}
