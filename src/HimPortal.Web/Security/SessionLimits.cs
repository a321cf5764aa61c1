namespace HimPortal.Web.Security;

/// <summary>Server-side session limits (configuration section "Sessions").</summary>
public sealed class SessionLimits
{
    /// <summary>A session unused this long ends; a workstation left signed in must not stay open to the next passer-by.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>No session lives longer than this, however active: roughly one shift.</summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How stale the recorded last activity may get before a request writes it again (saves a write per request).</summary>
    public TimeSpan ActivityWriteInterval { get; set; } = TimeSpan.FromSeconds(30);
}
