using HimPortal.Data.Roi;

namespace HimPortal.Application.Roi.Authorizations;

/// <summary>
/// The notice that goes with every disclosure of records of a 42 CFR Part 2 program (42 CFR 2.32, as amended in 2024),
/// with a copy or explanation of the consent behind it. The packet prints both on Part 2 releases.
/// </summary>
public static class Part2Notice
{
    public const string Title = "Notice to the recipient: 42 CFR part 2";

    public const string Text =
        "This record which has been disclosed to you is protected by federal confidentiality rules (42 CFR part 2). " +
        "These rules prohibit you from using or disclosing this record, or testimony that describes the information contained " +
        "in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, State, or local " +
        "authority, against the patient, unless authorized by the consent of the patient, except as provided at 42 CFR 2.12(c)(5) " +
        "or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, the federal rules prohibit you from " +
        "making any other use or disclosure of this record unless at least one of the following applies: (1) Further use or " +
        "disclosure is expressly permitted by the written consent of the individual whose information is being disclosed in this " +
        "record or as otherwise permitted by 42 CFR part 2. (2) You are a covered entity or business associate and have received " +
        "the record for treatment, payment, or health care operations, or (3) You have received the record from a covered entity " +
        "or business associate as permitted by 45 CFR part 164, subparts A and E. A general authorization for the release of " +
        "medical or other information is NOT sufficient to meet the required elements of written consent to further use or " +
        "redisclose the record (see 42 CFR 2.31).";

    /// <summary>The explanation of the consent (2.32(a)(2)): who consented, to whom, for what, until when.</summary>
    public static string ConsentExplanation(Authorization consent)
    {
        ArgumentNullException.ThrowIfNull(consent);
        var signer = string.IsNullOrWhiteSpace(consent.RepresentativeName)
            ? "the patient"
            : $"{consent.RepresentativeName} ({consent.RepresentativeAuthority}) for the patient";
        var until = consent.ExpiresOn is { } on ? $"until {on:yyyy-MM-dd}" : $"until {consent.ExpirationEvent ?? "an event it names"}";
        var notes = consent.CoversSudCounselingNotes ? " It expressly includes SUD counselling notes (42 CFR 2.31(b))." : "";
        return $"This disclosure is made with the written consent of {signer}, signed {consent.SignedOn:yyyy-MM-dd}, " +
               $"to disclose {consent.Description ?? "the records described"} from {consent.Discloser ?? "this hospital"} " +
               $"to {consent.Recipient ?? "the recipient"} for {consent.Purpose ?? "the purpose stated"}, valid {until} (42 CFR 2.31).{notes}";
    }

    /// <summary>The explanation when a court order under 42 CFR 2.64 is the basis instead of a consent.</summary>
    public const string CourtOrderExplanation =
        "This disclosure is made under a court order issued in accordance with 42 CFR 2.64, limited to the records the order names.";
}
