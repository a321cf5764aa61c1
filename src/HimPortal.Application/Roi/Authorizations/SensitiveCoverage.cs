using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Authorizations;

/// <summary>
/// Which restricted categories a release may include, and why (for the packet's exclusion reasons). The packet builder
/// leaves out every labelled item <see cref="Covers"/> refuses.
/// </summary>
/// <param name="PsychotherapyNotes">Only with an authorization that covers them, never under the right of access (45 CFR 164.524(a)(1)(i), 164.508(a)(2)).</param>
/// <param name="Part2">Records of a 42 CFR Part 2 program: the individual's own access, a Part 2 consent (2.31), or a Part 2 court order (2.64); never a subpoena alone.</param>
/// <param name="SudCounselingNotes">Part 2 SUD counselling notes: only with a consent of their own (2.31(b)).</param>
/// <param name="AllOtherLabels">The individual's own access: every other label is theirs to see.</param>
/// <param name="Labels">Other label codes the authorization or the order expressly names.</param>
public sealed record SensitiveCoverage(bool PsychotherapyNotes, bool Part2, bool SudCounselingNotes, bool AllOtherLabels, IReadOnlySet<string> Labels, string Basis)
{
    /// <summary>The shared core's label for psychotherapy notes (Data/Access/SensitivitySeed).</summary>
    public const string PsychotherapyLabel = "PSYTHPN";

    /// <summary>The shared core's label for records of a 42 CFR Part 2 program.</summary>
    public const string Part2Label = "SUD";

    public static readonly SensitiveCoverage Nothing = new(false, false, false, false, new HashSet<string>(StringComparer.Ordinal), "no authorization or order covers sensitive information");

    /// <summary>Whether an item carrying <paramref name="labelCode"/> may be released.</summary>
    public bool Covers(string labelCode) => labelCode switch
    {
        PsychotherapyLabel => PsychotherapyNotes,
        Part2Label => Part2,
        _ => AllOtherLabels || Labels.Contains(labelCode),
    };

    /// <summary>Why an item with <paramref name="labelCode"/> is left out, in the specialist's words with the rule; null when covered.</summary>
    public string? Refusal(string labelCode) => Covers(labelCode) ? null : labelCode switch
    {
        PsychotherapyLabel => "Psychotherapy notes need an authorization of their own and are never part of the right of access (45 CFR 164.508(a)(2), 164.524(a)(1)(i)).",
        Part2Label => "Records of a Part 2 program need a Part 2 consent or a Part 2 court order; a subpoena alone never releases them (42 CFR 2.31, 2.64).",
        _ => $"Labelled {labelCode}: the authorization or order does not expressly cover it.",
    };

    /// <summary>What the request's current authorization or court order lets the release include.</summary>
    public static async Task<SensitiveCoverage> ForRequestAsync(HimDbContext db, ReleaseRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.AuthorizationId is { } id
            ? await db.Authorizations.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && a.Status == AuthorizationStatuses.Valid, ct)
            : null;
        return For(request, authorization);
    }

    /// <summary>What <paramref name="authorization"/> (the request's, already loaded) or the request's court order lets the release include. Whether the authorization is valid is the release gate's question.</summary>
    public static SensitiveCoverage For(ReleaseRequest request, Authorization? authorization)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rule = RequesterRules.For(request.RequesterType);
        var labels = new HashSet<string>(StringComparer.Ordinal);
        if (rule.Individual)
        {
            // The right of access covers the whole designated record set but psychotherapy notes (164.524(a)(1)(i)); the
            // patient's own Part 2 records are theirs to see (42 CFR 2.23), SUD counselling notes kept apart like
            // psychotherapy notes only with the patient's own consent for them.
            return new(false, true, authorization?.CoversSudCounselingNotes ?? false, true, labels, "the individual's right of access (45 CFR 164.524)");
        }

        var psychotherapy = false;
        var part2 = false;
        var sudNotes = false;
        var basis = new List<string>();
        if (authorization is not null)
        {
            psychotherapy = authorization.CoversPsychotherapyNotes;
            part2 = authorization.CoversPart2;
            sudNotes = authorization.CoversSudCounselingNotes;
            labels.UnionWith(authorization.CoversLabels);
            basis.Add("the authorization on file");
        }

        if (request.RequesterType == RequesterTypes.CourtOrder)
        {
            // An order releases only what it expressly names (164.512(e)(1)(i)); Part 2 records only under a 2.64 order.
            labels.UnionWith(request.OrderCoversLabels);
            psychotherapy |= request.OrderCoversLabels.Contains(PsychotherapyLabel, StringComparer.Ordinal);
            part2 |= request.Part2CourtOrder;
            basis.Add(request.Part2CourtOrder ? "the court order, with a Part 2 order (42 CFR 2.64)" : "the court order");
        }

        labels.Remove(PsychotherapyLabel);
        labels.Remove(Part2Label);
        return new(psychotherapy, part2, sudNotes, false, labels, basis.Count == 0 ? Nothing.Basis : string.Join("; ", basis));
    }
}
