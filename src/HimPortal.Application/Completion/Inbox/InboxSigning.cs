using HimPortal.Application.Access.Identity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Completion;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Inbox;

/// <summary>
/// How the signer proves, now, that it is them (42 CFR 482.24(c)(1): authenticated by the author; CMS accepts an
/// electronic signature only under a re-authentication the person alone can give). A local account gives its password or
/// an authenticator code; a single-sign-on account signs in again at the identity provider, and the page passes the
/// provider's auth_time from the session (null for a local account).
/// </summary>
public sealed record SignerProof(string? Password, string? Code, DateTimeOffset? ProviderAuthenticatedAt);

/// <summary>What the physician attests to when signing (shown on every signing form, stored with the signature).</summary>
public static class Attestation
{
    public const string Text =
        "I attest that I authored or reviewed this entry, that it is accurate and complete to the best of my knowledge, and that this electronic signature is my own.";

    public const string Required = "Tick the attestation: an entry is authenticated only by its author's attestation (42 CFR 482.24(c)(1)).";
}

/// <summary>What the inbox's actions share: whose inbox it is, the signer's re-authentication, and resolving a deficiency.</summary>
public sealed class InboxSigning(HimDbContext db, UserManager<HimUser> users, TotpVerifier totp, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock)
{
    /// <summary>How recent the identity provider's sign-in must be (as ProviderSignIn.FreshAuthentication in the web app).</summary>
    public static readonly TimeSpan FreshAuthentication = TimeSpan.FromMinutes(5);

    public Guid UserId => actors.Current.UserId ?? Guid.Empty;

    /// <summary>The signed-in physician's practitioner records, by the NPI on their account (a query, composed into the caller's).</summary>
    public IQueryable<Guid> Practitioners() => MyPractitioners.Of(db, UserId);

    /// <summary>One of the physician's open deficiencies, tracked; null when it is not theirs or no longer open (the page says not found).</summary>
    public Task<Deficiency?> OwnOpenAsync(Guid deficiencyId, CancellationToken ct) =>
        db.Deficiencies.Where(d => d.Id == deficiencyId && d.Status == DeficiencyStatuses.Open
                                   && d.ResponsiblePractitionerId != null && Practitioners().Contains(d.ResponsiblePractitionerId.Value))
            .SingleOrDefaultAsync(ct);

    /// <summary>
    /// Checks the signer's proof. A refusal changes nothing but an audit row (completion.reauthentication-refused, in the
    /// caller's transaction, which the caller commits) and is returned as invalid input on the proof's field.
    /// </summary>
    public async Task<Result<string>> ReauthenticateAsync(SignerProof proof, string resourceType, Guid resourceId, Guid patientId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var user = await users.FindByIdAsync(UserId.ToString("D"));
        string method;
        string? refusal;
        string field;
        if (user is null)
        {
            (method, refusal, field) = (SignatureMethods.Password, "no such account", "Password");
        }
        else if (proof.ProviderAuthenticatedAt is { } at)
        {
            method = SignatureMethods.IdentityProvider;
            field = "";
            var hasLogin = (await users.GetLoginsAsync(user)).Count > 0;
            refusal = !hasLogin ? "the account signs in with a password"
                : at < clock.GetUtcNow() - FreshAuthentication ? "the identity provider's sign-in is not fresh"
                : null;
        }
        else if (!string.IsNullOrWhiteSpace(proof.Code))
        {
            method = SignatureMethods.Totp;
            field = "Code";
            var key = await users.GetAuthenticatorKeyAsync(user);
            if (!user.TwoFactorEnabled || string.IsNullOrEmpty(key))
            {
                refusal = "no authenticator enrolled";
            }
            else
            {
                var result = await totp.VerifyAsync(user.Id, Authenticator.SecretOf(key), proof.Code, ct);
                refusal = result == TotpResult.Accepted ? null : "authenticator code " + result.ToString().ToLowerInvariant();
            }
        }
        else
        {
            method = SignatureMethods.Password;
            field = "Password";
            refusal = string.IsNullOrEmpty(proof.Password) || user.PasswordHash is null || !await users.CheckPasswordAsync(user, proof.Password)
                ? "wrong password"
                : null;
        }

        if (refusal is null)
        {
            return Result<string>.Success(method);
        }

        await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Denied, resourceType, resourceId.ToString("D"), patientId,
            Purpose: "completion.reauthentication-refused", Details: $"method={method}; {refusal}"), ct);
        return method == SignatureMethods.IdentityProvider
            ? Error.Invalid("Sign in again at the hospital's identity provider (within the last 5 minutes) before you sign.")
            : Error.Invalid(method == SignatureMethods.Totp ? "The authenticator code was not accepted." : "The password is not right.", field);
    }

    /// <summary>Resolves a deficiency its physician satisfied (signed or written), with its history event, in the caller's transaction.</summary>
    public void Resolve(Deficiency deficiency, string resolution, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(deficiency);
        deficiency.Status = DeficiencyStatuses.Resolved;
        deficiency.Resolution = resolution;
        deficiency.ResolvedAt = now;
        deficiency.ResolvedBy = UserId;
        Note(deficiency.Id, "resolved", deficiency.ResponsiblePractitionerId, resolution, now);
    }

    /// <summary>An entry of the deficiency's history (append-only), by the signed-in physician.</summary>
    public void Note(Guid deficiencyId, string kind, Guid? practitionerId, string note, DateTimeOffset now) =>
        db.DeficiencyEvents.Add(new DeficiencyEvent
        {
            DeficiencyId = deficiencyId,
            At = now,
            Kind = kind,
            ByUserId = UserId,
            PractitionerId = practitionerId,
            Note = note,
        });
}
