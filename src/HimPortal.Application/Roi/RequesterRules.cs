using HimPortal.Data.Roi;

namespace HimPortal.Application.Roi;

/// <summary>Which clock sets a request's due date.</summary>
public enum ClockKind
{
    /// <summary>The individual's own request: 30 days, one 30-day extension with notice (45 CFR 164.524(b)(2)), or a shorter state deadline.</summary>
    RightOfAccess,

    /// <summary>No HIPAA deadline: the state's rule, else the hospital's policy.</summary>
    StateOrPolicy,

    /// <summary>Legal process: the return date, else the state's rule or the policy.</summary>
    ReturnDate,
}

/// <summary>Which fee rules apply.</summary>
public enum FeeCategory
{
    /// <summary>The patient rate for copies to the individual (164.524(c)(4)): labour for copying, supplies, postage; no search or retrieval fee.</summary>
    Patient,

    /// <summary>The individual's direction to a third party: after Ciox v. Azar (D.D.C. 2020) the patient rate no longer binds; only electronic copies of EHR records, charged as policy and state law allow.</summary>
    PatientDirected,

    /// <summary>The state's third-party schedule.</summary>
    ThirdParty,

    /// <summary>Never charged.</summary>
    None,
}

/// <summary>What a requester type means in law.</summary>
/// <param name="Individual">The individual's right of access (the patient, a personal representative, a patient-directed copy).</param>
/// <param name="NeedsAuthorization">A valid authorization (164.508) is needed before anything is released.</param>
/// <param name="LegalProcess">A court order or subpoena: return date, certification, objections.</param>
/// <param name="MinimumNecessary">Minimum necessary applies (164.502(b)); it does not to the individual, for treatment, under an authorization, or where the law requires the disclosure.</param>
/// <param name="AccountingBasis">The rule the disclosure is made under when it belongs in the accounting (164.528); null when the rule excludes it.</param>
public sealed record RequesterRule(
    string Type,
    string Title,
    string Citation,
    bool Individual,
    bool NeedsAuthorization,
    bool LegalProcess,
    bool MinimumNecessary,
    FeeCategory Fees,
    ClockKind Clock,
    string? AccountingBasis);

/// <summary>The requester types and what each means for the clock, the authorization, minimum necessary, fees and the accounting.</summary>
public static class RequesterRules
{
    public static readonly IReadOnlyList<RequesterRule> All =
    [
        new(RequesterTypes.Patient, "The patient", "45 CFR 164.524", true, false, false, false, FeeCategory.Patient, ClockKind.RightOfAccess, null),
        new(RequesterTypes.PersonalRepresentative, "A personal representative", "45 CFR 164.502(g), 164.524", true, false, false, false,
            FeeCategory.Patient, ClockKind.RightOfAccess, null),
        // A copy sent where the individual directs is still the individual's access: not accounted (164.528(a)(1)(ii)).
        new(RequesterTypes.PatientDirected, "The patient's direction to a third party", "45 CFR 164.524(c)(3)(ii)", true, false, false, false,
            FeeCategory.PatientDirected, ClockKind.RightOfAccess, null),
        new(RequesterTypes.AuthorizedThirdParty, "A third party with an authorization", "45 CFR 164.508", false, true, false, false,
            FeeCategory.ThirdParty, ClockKind.StateOrPolicy, null),
        new(RequesterTypes.Attorney, "An attorney (with an authorization)", "45 CFR 164.508", false, true, false, false,
            FeeCategory.ThirdParty, ClockKind.StateOrPolicy, null),
        new(RequesterTypes.Insurer, "An insurer (with an authorization)", "45 CFR 164.508", false, true, false, false,
            FeeCategory.ThirdParty, ClockKind.StateOrPolicy, null),
        new(RequesterTypes.ContinuityOfCare, "Another provider, for continuity of care", "45 CFR 164.506(c)(2)", false, false, false, false,
            FeeCategory.None, ClockKind.StateOrPolicy, null),
        new(RequesterTypes.SocialSecurity, "Social Security disability determination (SSA-827)", "45 CFR 164.508", false, true, false, false,
            FeeCategory.ThirdParty, ClockKind.StateOrPolicy, null),
        new(RequesterTypes.WorkersCompensation, "Workers' compensation", "45 CFR 164.512(l)", false, false, false, true,
            FeeCategory.ThirdParty, ClockKind.StateOrPolicy, "45 CFR 164.512(l)"),
        new(RequesterTypes.PublicHealth, "A public health authority", "45 CFR 164.512(b)", false, false, false, true,
            FeeCategory.ThirdParty, ClockKind.StateOrPolicy, "45 CFR 164.512(b)"),
        new(RequesterTypes.HealthOversight, "A health oversight agency", "45 CFR 164.512(d)", false, false, false, true,
            FeeCategory.ThirdParty, ClockKind.StateOrPolicy, "45 CFR 164.512(d)"),
        new(RequesterTypes.LawEnforcement, "Law enforcement", "45 CFR 164.512(f)", false, false, false, true,
            FeeCategory.ThirdParty, ClockKind.StateOrPolicy, "45 CFR 164.512(f)"),
        // An order releases what it expressly authorizes (164.512(e)(1)(i)); its scope is the request's scope.
        new(RequesterTypes.CourtOrder, "A court or administrative order", "45 CFR 164.512(e)(1)(i)", false, false, true, false,
            FeeCategory.ThirdParty, ClockKind.ReturnDate, "45 CFR 164.512(e)"),
        new(RequesterTypes.Subpoena, "A subpoena or discovery request without a court order", "45 CFR 164.512(e)(1)(ii)", false, false, true, true,
            FeeCategory.ThirdParty, ClockKind.ReturnDate, "45 CFR 164.512(e)"),
    ];

    private static readonly Dictionary<string, RequesterRule> ByType = All.ToDictionary(r => r.Type, StringComparer.Ordinal);

    /// <summary>The rule for a stored requester type (the database's check constraint holds the same list).</summary>
    public static RequesterRule For(string type) =>
        ByType.TryGetValue(type, out var rule) ? rule : throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown requester type.");

    public static bool IsKnown(string? type) => type is not null && ByType.ContainsKey(type);
}
