using HimPortal.Data.Roi;

namespace HimPortal.Application.Roi.Packets;

/// <summary>
/// Whether a sensitive segment may go out with a request (issue 17 item 5). Until roi-authorizations' shared
/// <c>SensitiveCoverage.ForRequestAsync</c> merges, this decides from the requester type and the authorization's Covers*
/// fields (the lead swaps it at merge). Null means covered; otherwise the reason it is left out, with its rule.
/// </summary>
public static class PacketCoverage
{
    public const string Psychotherapy = "PSYTHPN";
    public const string Part2 = "SUD";

    /// <summary>Labels left out of a third-party release unless the authorization names them (state law; GINA).</summary>
    public static readonly IReadOnlyList<string> Restricted = ["HIV", "BH", "GDIS", "SEX"];

    public static string? Withheld(ReleaseRequest request, Authorization? authorization, IReadOnlyCollection<string> extraRestricted, string label)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(extraRestricted);
        var rule = RequesterRules.For(request.RequesterType);
        if (label == Psychotherapy)
        {
            if (rule.Individual)
            {
                return "Psychotherapy notes are not part of the right of access (45 CFR 164.524(a)(1)(i)).";
            }

            return authorization is { CoversPsychotherapyNotes: true }
                ? null
                : "Psychotherapy notes need their own authorization (45 CFR 164.508(a)(2)).";
        }

        // The individual's own record: Part 2 and the state-restricted categories go to the patient (42 CFR 2.23;
        // 164.524); only psychotherapy notes stay outside the right of access.
        if (rule.Individual)
        {
            return null;
        }

        if (label == Part2)
        {
            // 42 CFR 2.31 consent, or a Part 2 court order (2.64); a subpoena alone never releases Part 2 records.
            return authorization is { CoversPart2: true } || request.Part2CourtOrder
                ? null
                : "42 CFR Part 2 records need a Part 2 consent (2.31) or a Part 2 court order (2.64); a subpoena alone never releases them.";
        }

        if (Restricted.Contains(label, StringComparer.Ordinal) || extraRestricted.Contains(label, StringComparer.Ordinal))
        {
            return authorization is not null && authorization.CoversLabels.Contains(label, StringComparer.Ordinal)
                ? null
                : $"Sensitive information ({label}) is released only when the authorization names it (state law; 45 CFR 164.508(c)(1)(i)).";
        }

        return null;
    }

    /// <summary>The first reason any of the labels is withheld, or null when all are covered.</summary>
    public static string? Withheld(ReleaseRequest request, Authorization? authorization, IReadOnlyCollection<string> extraRestricted,
        IEnumerable<string> labels) =>
        labels.Select(l => Withheld(request, authorization, extraRestricted, l)).FirstOrDefault(r => r is not null);

    /// <summary>
    /// The redisclosure notice of 42 CFR 2.32 (as amended 2024), printed on its own page when Part 2 records are released.
    /// roi-authorizations provides the shared <c>Part2Notice.Text</c>; this copy is swapped for it at merge.
    /// </summary>
    public const string Part2NoticeText =
        "This record which has been disclosed to you is protected by federal confidentiality rules (42 CFR part 2). " +
        "These rules prohibit you from using or disclosing this record, or testimony that describes the information contained " +
        "in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, State, or local " +
        "authority, against the patient, unless authorized by the consent of the patient, except as provided at 42 CFR 2.12(c)(5) " +
        "or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, the federal rules prohibit you from " +
        "making any other use or disclosure of this record unless at least one of the following applies: (i) further use or " +
        "disclosure is expressly permitted by the written consent of the individual whose information is being disclosed in " +
        "this record or as otherwise permitted by 42 CFR part 2; (ii) you are a covered entity or business associate and have " +
        "received the record for treatment, payment, or health care operations; or (iii) you have received the record from a " +
        "covered entity or business associate as permitted by 45 CFR part 164, subparts A and E. A general authorization for " +
        "the release of medical or other information is NOT sufficient to meet the required elements of written consent to " +
        "further use or redisclose the record (see 42 CFR 2.31).";
}
