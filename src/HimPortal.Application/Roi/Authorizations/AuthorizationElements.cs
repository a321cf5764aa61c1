using System.Text.Json;
using System.Text.Json.Serialization;
using HimPortal.Data.Roi;

namespace HimPortal.Application.Roi.Authorizations;

/// <summary>How the specialist found one element on the scanned form. Stored as the constants' text.</summary>
public static class ElementStates
{
    public const string Confirmed = "confirmed";
    public const string Missing = "missing";
    public const string NotApplicable = "not-applicable";

    public static readonly IReadOnlyList<string> All = [Confirmed, Missing, NotApplicable];
}

/// <summary>
/// One element of a valid authorization (45 CFR 164.508(c)) or the absence of one of its defects (164.508(b)(2)-(3)),
/// phrased so that "confirmed" is always the good answer.
/// </summary>
/// <param name="Code">Stable: the key in <see cref="Authorization.Elements"/> and the form's field name.</param>
/// <param name="SelfChecked">HimPortal checks it itself from the recorded fields (dates, the patient's death, the revocation).</param>
/// <param name="MayNotApply">The element may be not applicable (a representative's authority when the individual signed).</param>
public sealed record AuthorizationElement(string Code, string Title, string Citation, bool SelfChecked, bool MayNotApply);

/// <summary>The specialist's finding on one element, as kept in <see cref="Authorization.Elements"/>.</summary>
public sealed record ElementFinding(
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("note")] string? Note,
    [property: JsonPropertyName("by")] string? By,
    [property: JsonPropertyName("at")] DateTimeOffset? At);

/// <summary>A defect HimPortal found by itself, against the element it breaks.</summary>
public sealed record AutomaticDefect(string Code, string Problem);

/// <summary>
/// The code table of the authorization check: every required element of 164.508(c)(1)-(3), the defects of
/// 164.508(b)(2)-(3), and the separate authorizations psychotherapy notes (164.508(a)(2)) and Part 2 records
/// (42 CFR 2.31) need. The check page, the deficiency letter and the evidence pack all read it from here.
/// </summary>
public static class AuthorizationElements
{
    public const string Description = "description";
    public const string Discloser = "discloser";
    public const string Recipient = "recipient";
    public const string Purpose = "purpose";
    public const string Expiration = "expiration";
    public const string Signature = "signature";
    public const string RepresentativeAuthority = "representative-authority";
    public const string RevocationStatement = "revocation-statement";
    public const string ConditioningStatement = "conditioning-statement";
    public const string RedisclosureStatement = "redisclosure-statement";
    public const string PlainLanguage = "plain-language";
    public const string NotExpired = "not-expired";
    public const string Complete = "complete";
    public const string NotRevoked = "not-revoked";
    public const string NotCompound = "not-compound";
    public const string NotFalse = "not-false";
    public const string PsychotherapySeparate = "psychotherapy-separate";
    public const string Part2Consent = "part2-consent";
    public const string SudNotesSeparate = "sud-notes-separate";

    public static readonly IReadOnlyList<AuthorizationElement> All =
    [
        new(Description, "A specific and meaningful description of the information to be disclosed", "45 CFR 164.508(c)(1)(i)", false, false),
        new(Discloser, "The name of the person or class of persons authorized to make the disclosure", "45 CFR 164.508(c)(1)(ii)", false, false),
        new(Recipient, "The name of the person or class of persons to whom the disclosure may be made", "45 CFR 164.508(c)(1)(iii)", false, false),
        new(Purpose, "A description of each purpose of the disclosure", "45 CFR 164.508(c)(1)(iv)", false, false),
        new(Expiration, "An expiration date or an expiration event", "45 CFR 164.508(c)(1)(v)", true, false),
        new(Signature, "The individual's signature and the date", "45 CFR 164.508(c)(1)(vi)", true, false),
        new(RepresentativeAuthority, "Signed by a personal representative: a description of the representative's authority", "45 CFR 164.508(c)(1)(vi)", true, true),
        new(RevocationStatement, "A statement of the right to revoke in writing, and how", "45 CFR 164.508(c)(2)(i)", false, false),
        new(ConditioningStatement, "A statement that treatment, payment, enrollment or eligibility may not be conditioned on signing", "45 CFR 164.508(c)(2)(ii)", false, false),
        new(RedisclosureStatement, "A statement that the information may be redisclosed by the recipient and no longer protected", "45 CFR 164.508(c)(2)(iii)", false, false),
        new(PlainLanguage, "Written in plain language", "45 CFR 164.508(c)(3)", false, false),
        new(NotExpired, "Not expired: the expiration date has not passed and the expiration event is not known to have occurred", "45 CFR 164.508(b)(2)(i)", true, false),
        new(Complete, "Filled out completely, with respect to every required element", "45 CFR 164.508(b)(2)(ii)", false, false),
        new(NotRevoked, "Not known to have been revoked", "45 CFR 164.508(b)(2)(iii)", true, false),
        new(NotCompound, "Not an unlawful compound authorization", "45 CFR 164.508(b)(2)(iv), (b)(3)", false, false),
        new(NotFalse, "No material information in it is known to be false", "45 CFR 164.508(b)(2)(v)", false, false),
        new(PsychotherapySeparate, "Psychotherapy notes: an authorization of their own, not combined with any other", "45 CFR 164.508(a)(2), (b)(3)(ii)", false, true),
        new(Part2Consent, "Part 2 program records: a written consent with every element of 42 CFR 2.31", "42 CFR 2.31", false, true),
        new(SudNotesSeparate, "SUD counselling notes: a consent of their own, not combined with any other", "42 CFR 2.31(b)", false, true),
    ];

    private static readonly Dictionary<string, AuthorizationElement> ByCode = All.ToDictionary(e => e.Code, StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static AuthorizationElement For(string code) =>
        ByCode.TryGetValue(code, out var element) ? element : throw new ArgumentOutOfRangeException(nameof(code), code, "Unknown authorization element.");

    public static bool IsKnown(string? code) => code is not null && ByCode.ContainsKey(code);

    /// <summary>Whether the element must be on this form: the separate-authorization elements apply only when it covers what they protect.</summary>
    public static bool Applies(AuthorizationElement element, Authorization authorization)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(authorization);
        return element.Code switch
        {
            RepresentativeAuthority => !string.IsNullOrWhiteSpace(authorization.RepresentativeName),
            PsychotherapySeparate => authorization.CoversPsychotherapyNotes,
            Part2Consent => authorization.CoversPart2,
            SudNotesSeparate => authorization.CoversSudCounselingNotes,
            _ => true,
        };
    }

    public static IReadOnlyDictionary<string, ElementFinding> Read(string? json) =>
        string.IsNullOrWhiteSpace(json)
            ? new Dictionary<string, ElementFinding>(StringComparer.Ordinal)
            : JsonSerializer.Deserialize<Dictionary<string, ElementFinding>>(json, Json) ?? new Dictionary<string, ElementFinding>(StringComparer.Ordinal);

    public static string Write(IReadOnlyDictionary<string, ElementFinding> findings) => JsonSerializer.Serialize(findings, Json);

    /// <summary>
    /// What HimPortal sees for itself (164.508(b)(2)): no expiration, expired, signed in the future or not dated, signed
    /// after the patient's death by anyone but a personal representative (the executor or administrator, 164.502(f), (g)(4)),
    /// a representative without the description of authority, revoked.
    /// </summary>
    /// <param name="patientDiedOn">The patient's date of death in the hospital's time zone, when the patient is deceased.</param>
    public static IReadOnlyList<AutomaticDefect> AutomaticDefects(Authorization authorization, DateOnly today, DateOnly? patientDiedOn)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var defects = new List<AutomaticDefect>();
        if (authorization.ExpiresOn is null && string.IsNullOrWhiteSpace(authorization.ExpirationEvent))
        {
            defects.Add(new(Expiration, "No expiration date or event is given."));
        }

        if (authorization.ExpiresOn is { } expires && expires < today)
        {
            defects.Add(new(NotExpired, $"It expired on {expires:yyyy-MM-dd}."));
        }

        if (authorization.SignedOn is not { } signed)
        {
            defects.Add(new(Signature, "The date of signature is not given."));
        }
        else if (signed > today)
        {
            defects.Add(new(Signature, $"It is dated {signed:yyyy-MM-dd}, in the future."));
        }
        else if (patientDiedOn is { } died && signed > died && string.IsNullOrWhiteSpace(authorization.RepresentativeName))
        {
            defects.Add(new(Signature, $"It is dated {signed:yyyy-MM-dd}, after the patient's death, and not signed by a personal representative."));
        }

        if (!string.IsNullOrWhiteSpace(authorization.RepresentativeName) && string.IsNullOrWhiteSpace(authorization.RepresentativeAuthority))
        {
            defects.Add(new(RepresentativeAuthority, "It is signed by a representative without a description of their authority."));
        }

        if (authorization.RevokedAt is not null || authorization.Status == AuthorizationStatuses.Revoked)
        {
            defects.Add(new(NotRevoked, "It has been revoked in writing."));
        }

        return defects;
    }

    /// <summary>Each element that fails, with why: automatic defects first, then what the specialist found missing or left unanswered.</summary>
    public static IReadOnlyList<(AuthorizationElement Element, string Problem)> Failures(
        Authorization authorization, IReadOnlyDictionary<string, ElementFinding> findings, IReadOnlyList<AutomaticDefect> automatic)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(automatic);
        var failures = automatic.Select(d => (For(d.Code), d.Problem)).ToList();
        foreach (var element in All)
        {
            if (failures.Any(f => f.Item1.Code == element.Code))
            {
                continue;
            }

            findings.TryGetValue(element.Code, out var finding);
            var applies = Applies(element, authorization);
            var problem = finding?.State switch
            {
                ElementStates.Confirmed => null,
                ElementStates.NotApplicable when !applies || element.MayNotApply => null,
                ElementStates.NotApplicable => "Marked not applicable, but every authorization needs it.",
                ElementStates.Missing => string.IsNullOrWhiteSpace(finding.Note) ? "Missing from the form." : finding.Note.Trim(),
                _ when !applies => null,
                _ => "Not checked.",
            };
            if (problem is not null)
            {
                failures.Add((element, problem));
            }
        }

        return failures;
    }
}
