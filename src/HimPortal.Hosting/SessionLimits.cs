using System.ComponentModel.DataAnnotations;

namespace HimPortal.Hosting;

/// <summary>Server-side session limits (configuration section "Sessions").</summary>
public sealed class SessionLimits
{
    public const string Section = "Sessions";

    /// <summary>A session unused this long ends; a workstation left signed in must not stay open to the next passer-by.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "12:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>No session lives longer than this, however active: roughly one shift.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How stale the recorded last activity may get before a request writes it again (saves a write per request).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ActivityWriteInterval { get; set; } = TimeSpan.FromSeconds(30);
}
