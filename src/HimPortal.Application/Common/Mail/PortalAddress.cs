using Microsoft.Extensions.Configuration;

namespace HimPortal.Application.Common.Mail;

/// <summary>
/// The patient portal's public address (setting <c>Portal:PublicUrl</c>), printed in activation letters and in the links
/// mailed to patients. Both hosts read it: the staff app issues the letters and runs the mail jobs. Read from the key
/// itself, not bound as a section: the "Portal" section also holds the portal host's own settings (Sessions, RateLimits).
/// </summary>
public sealed class PortalAddress(IConfiguration configuration)
{
    public const string Key = "Portal:PublicUrl";

    /// <summary>The configured address, or null when none is (a letter then cannot be issued).</summary>
    public Uri? PublicUrl { get; } =
        Uri.TryCreate(configuration[Key], UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) ? url : null;

    /// <summary>An absolute link to <paramref name="pathAndQuery"/> under the portal's address.</summary>
    public Uri Link(string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        var root = PublicUrl ?? throw new InvalidOperationException(Key + " is not set.");
        return new Uri(root.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + pathAndQuery.TrimStart('/'));
    }
}
