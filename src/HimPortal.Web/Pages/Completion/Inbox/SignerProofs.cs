using System.Globalization;
using System.Security.Claims;
using HimPortal.Application.Completion.Inbox;
using HimPortal.Web.Security;

namespace HimPortal.Web.Pages.Completion.Inbox;

/// <summary>
/// The signer's proof from the form and the session: a single-sign-on account's proof is the provider's auth_time in the
/// session (renewed by /Account/Reauthenticate); a local account's is the password or code typed on the form.
/// </summary>
public static class SignerProofs
{
    public static bool UsesProvider(ClaimsPrincipal user) => user?.FindFirst("idp")?.Value == ProviderSignIn.Scheme;

    public static SignerProof From(ClaimsPrincipal user, string? password, string? code)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (UsesProvider(user))
        {
            var at = long.TryParse(user.FindFirst("auth_time")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : DateTimeOffset.MinValue;
            return new SignerProof(null, null, at);
        }

        return new SignerProof(password, code, null);
    }
}
