using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace HimPortal.Hosting;

/// <summary>
/// Between the password and the authenticator code: whose password was just accepted travels in a cookie protected with
/// data protection and good for five minutes, never in the address. Both hosts' code pages use it.
/// </summary>
public static class PendingSecondFactor
{
    public const string CookieName = "himportal.second-factor";
    private const string Purpose = "HimPortal.SignIn.SecondFactor";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public static void Remember(HttpContext http, IDataProtectionProvider protection, Guid userId)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(protection);
        var token = protection.CreateProtector(Purpose).ToTimeLimitedDataProtector().Protect(userId.ToString("N"), Lifetime);
        http.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/Account", MaxAge = Lifetime, IsEssential = true,
        });
    }

    public static Guid? User(HttpContext http, IDataProtectionProvider protection)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(protection);
        if (!http.Request.Cookies.TryGetValue(CookieName, out var token) || string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            return Guid.TryParseExact(protection.CreateProtector(Purpose).ToTimeLimitedDataProtector().Unprotect(token), "N", out var id) ? id : null;
        }
        catch (CryptographicException)
        {
            // Expired, or not one of ours: start again at the password.
            return null;
        }
    }

    public static void Forget(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/Account" });
    }
}
