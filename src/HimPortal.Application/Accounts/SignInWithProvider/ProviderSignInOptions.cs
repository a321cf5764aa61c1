using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Accounts.SignInWithProvider;

/// <summary>
/// Staff sign-in through the hospital's OpenID Connect provider (section "Oidc"); off while <see cref="Authority"/> is
/// empty. Local accounts stay for small sites and break-glass administrators.
/// </summary>
public sealed class ProviderSignInOptions
{
    public const string Section = "Oidc";

    /// <summary>The provider's issuer address (its discovery document is read from there).</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The button's words on the sign-in page.</summary>
    [StringLength(80)]
    public string DisplayName { get; set; } = "Sign in with your hospital account";

    /// <summary>The claim that carries the person's groups at the provider.</summary>
    [Required]
    public string GroupsClaim { get; set; } = "groups";

    /// <summary>Group → HimPortal role (by its name or display name), e.g. <c>Oidc:GroupRoles:him-clerks = HimClerk</c>.</summary>
    public Dictionary<string, string> GroupRoles { get; set; } = [];

    /// <summary>Plain-HTTP metadata only for a provider on this machine (tests); a hospital's provider speaks HTTPS.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
