using System.Security.Claims;
using System.Security.Cryptography;
using HimPortal.Application.Portal.People;
using Microsoft.AspNetCore.DataProtection;

namespace HimPortal.Portal.Security;

/// <summary>
/// Whose record the portal shows now: the account's own, or, for a personal representative, the person they chose at
/// <c>/People</c>. The choice is kept in a protected cookie bound to the account; it only picks the record. Every handler
/// is given that record's id and the chart gate decides again, on every read, whether this account may open it, so a
/// forged or stale choice reaches nothing.
/// </summary>
public sealed class CurrentPerson(IHttpContextAccessor http, ListMyPeopleHandler people, IDataProtectionProvider protection)
{
    public const string CookieName = "himportal.portal.person";
    private const string Purpose = "HimPortal.Portal.Person";

    private Guid? _chosen;

    /// <summary>The record to show, or null when the account reaches no one (no record of its own, no grant in force).</summary>
    public async Task<Guid?> PatientIdAsync(CancellationToken ct)
    {
        if (_chosen is { } chosen)
        {
            return chosen;
        }

        var context = http.HttpContext ?? throw new InvalidOperationException("No request.");
        if (context.Request.Cookies.TryGetValue(CookieName, out var token) && Read(context, token) is { } remembered)
        {
            return _chosen = remembered;
        }

        var result = await people.HandleAsync(new ListMyPeopleQuery(), ct);
        if (!result.IsSuccess || result.Value!.Count == 0)
        {
            return null;
        }

        Choose(result.Value[0].PatientId);
        return _chosen;
    }

    /// <summary>Remembers the choice (the caller has checked it is one of the account's people).</summary>
    public void Choose(Guid patientId)
    {
        var context = http.HttpContext ?? throw new InvalidOperationException("No request.");
        var value = Protector(context).Protect(patientId.ToString("N"));
        context.Response.Cookies.Append(CookieName, value, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps, IsEssential = true,
        });
        _chosen = patientId;
    }

    private Guid? Read(HttpContext context, string token)
    {
        try
        {
            return Guid.TryParseExact(Protector(context).Unprotect(token), "N", out var id) ? id : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    // Bound to the account: another account's cookie does not unprotect.
    private IDataProtector Protector(HttpContext context) =>
        protection.CreateProtector(Purpose, context.User.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "-");
}
