using HimPortal.Application.Access.Sensitivity;
using HimPortal.Data.Roi;

namespace HimPortal.Application.Roi.Packets;

/// <summary>
/// Whether a sensitive segment may go out with a request (issue 17 item 5), as the packet asks it: by label, with the
/// authorization already loaded. The rule itself is <see cref="Authorizations.SensitiveCoverage"/>. Null means covered;
/// otherwise the reason it is left out, with its rule.
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
        // One rule for what a release may include: the authorizations' SensitiveCoverage (a third party gets a labelled
        // item only when the authorization or order names it, which covers the configured extra labels too).
        return Authorizations.SensitiveCoverage.For(request, authorization).Refusal(label) ?? NotForRequester(request, label);
    }

    /// <summary>
    /// Why an item is kept from this requester whatever covers it (<see cref="ReleaseRequest.HiddenLabels"/>): a personal
    /// representative is not the representative for care the minor lawfully consented to alone (45 CFR 164.502(g)(3)), so it
    /// is not theirs to receive, as the portal does not show it to them. Null when the label is not hidden from them.
    /// </summary>
    public static string? NotForRequester(ReleaseRequest request, string label)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HiddenLabels.Contains(label, StringComparer.Ordinal))
        {
            return null;
        }

        return label == PortalVisibility.MinorConsentedCare
            ? MinorConsentedCareReason
            : $"Labelled {label}: the representative who asked may not receive it (45 CFR 164.502(g)).";
    }

    /// <summary>The reason shown to the specialist for an item of minor-consented care left out of a representative's copy.</summary>
    public const string MinorConsentedCareReason =
        "Care the minor consented to alone: the parent or representative who asked is not the minor's representative for it (45 CFR 164.502(g)(3)).";

    /// <summary>The first reason any of the labels is withheld, or null when all are covered.</summary>
    public static string? Withheld(ReleaseRequest request, Authorization? authorization, IReadOnlyCollection<string> extraRestricted,
        IEnumerable<string> labels) =>
        labels.Select(l => Withheld(request, authorization, extraRestricted, l)).FirstOrDefault(r => r is not null);

    /// <summary>The redisclosure notice of 42 CFR 2.32, printed on its own page when Part 2 records are released.</summary>
    public const string Part2NoticeText = Authorizations.Part2Notice.Text;
}
