using HimPortal.Application.Access.Sessions;

namespace HimPortal.Hosting;

/// <summary>The request's server-side session, as <see cref="DatabaseTicketStore"/> found (or started) it for this request.</summary>
public sealed class HttpCurrentSession(IHttpContextAccessor http) : ICurrentSession
{
    /// <summary>The HttpContext.Items key under which the ticket store leaves the session's id.</summary>
    internal static readonly object ItemKey = new();

    public Guid? Id => http.HttpContext?.Items.TryGetValue(ItemKey, out var id) == true ? id as Guid? : null;
}
