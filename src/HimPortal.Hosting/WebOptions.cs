using System.ComponentModel.DataAnnotations;

namespace HimPortal.Hosting;

/// <summary>Transport security (section "Security").</summary>
public sealed class SecurityOptions : IValidatableObject
{
    public const string Section = "Security";

    /// <summary>HTTPS only, with HSTS and secure cookies (true outside Development; behind a TLS-terminating proxy, false).</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>
    /// The reverse proxies (addresses or CIDR networks) whose X-Forwarded-For and X-Forwarded-Proto are believed; none by
    /// default, so the audit records the address that connected.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in TrustedProxies)
        {
            var network = proxy.Contains('/', StringComparison.Ordinal) ? proxy : proxy + "/" + (proxy.Contains(':', StringComparison.Ordinal) ? "128" : "32");
            if (!System.Net.IPNetwork.TryParse(network, out _))
            {
                yield return new ValidationResult($"'{proxy}' is not an IP address or network (such as 10.0.0.5 or 10.0.0.0/24).", [nameof(TrustedProxies)]);
            }
        }
    }
}

/// <summary>The rolling log file (section "Logs"). Logs carry ids, never names, MRNs or clinical text.</summary>
public sealed class LogsOptions
{
    public const string Section = "Logs";

    /// <summary>The file's path pattern (a date is added); empty: console only.</summary>
    public string? Path { get; set; } = "logs/himportal-.log";

    [Range(1, 3660)]
    public int RetainedDays { get; set; } = 31;
}

/// <summary>The database at start-up (section "Database").</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>In Development only: migrate on start (elsewhere the app refuses to start on a schema that is behind).</summary>
    public bool MigrateOnStart { get; set; } = true;
}

/// <summary>The two logins (section "ConnectionStrings"): the application's, required; the schema owner's, for migrations.</summary>
public sealed class ConnectionStringsOptions
{
    public const string Section = "ConnectionStrings";

    [Required(ErrorMessage = "The application's connection string is not set (environment variable ConnectionStrings__HimPortal).")]
    public string? HimPortal { get; set; }

    public string? HimPortalAdmin { get; set; }
}
