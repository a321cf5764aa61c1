using System.Text.Json;
using HimPortal.Data.Roi;

namespace HimPortal.Application.Roi.Fees;

/// <summary>What a fee is calculated from: the request, its page count, the hospital's policy and the request's state's rule.</summary>
/// <param name="Pages">Pages of the built packet, or the specialist's estimate before the build.</param>
/// <param name="State">The request's state's active rule, or null when none is configured.</param>
/// <param name="PolicyFeeCents">A third-party fee the specialist enters when the state has no schedule (with <paramref name="PolicyReason"/>).</param>
public sealed record FeeInput(
    string RequesterType,
    string Format,
    string Delivery,
    int Pages,
    bool CertificationRequested,
    RoiSettings Settings,
    StateRule? State,
    int? PolicyFeeCents = null,
    string? PolicyReason = null);

/// <summary>
/// The calculation as shown and kept: each line with the rule it rests on, the total, the basis in words. <see cref="Refusal"/>
/// says why nothing can be charged as asked (a patient's paper direction to a third party); <see cref="NeedsPolicyFee"/>
/// that the state has no schedule and the specialist must enter the hospital's policy fee with a reason.
/// </summary>
public sealed record FeeCalculation(IReadOnlyList<FeeLine> Lines, int TotalCents, string Basis, bool NeedsPolicyFee = false, string? Refusal = null)
{
    public bool CanInvoice => Refusal is null && !NeedsPolicyFee;
}

/// <summary>One tier of a state's per-page schedule for paper copies (roi.state_rules.page_tiers).</summary>
public sealed record PageTier(int From, int? To, int Cents);

/// <summary>
/// The copy fee (issue 17 item 4), pure: the same inputs give the same lines. Which rules apply comes from
/// <see cref="RequesterRules"/>' <see cref="FeeCategory"/>:
/// <list type="bullet">
/// <item><b>Patient</b> (45 CFR 164.524(c)(4); OCR's 2016 access guidance): a flat fee of at most $6.50 for an electronic
/// copy, or actual or average cost made of labour for copying, supplies and postage only; never a search or retrieval fee.
/// Every record in HimPortal is kept electronically (the clinical record and the scanned documents), and OCR allows no
/// per-page fee for records kept electronically, even when the copy is on paper: so no line is ever a per-page labour or
/// copying fee. The paper itself is a supply and is charged at cost per sheet (the decision, ADR roi-delivery-fees);
/// a CD or USB drive when the electronic copy leaves on media; postage when mailed.</item>
/// <item><b>PatientDirected</b> (164.524(c)(3)(ii) after Ciox v. Azar, D.D.C. 2020): only electronic copies of records in an
/// EHR; a paper or mailed direction is refused here and must be logged as an authorization request (164.508), because the
/// right to direct no longer reaches it. Charged at the state schedule's electronic rate where one is configured (state
/// law), else at the patient rate (the hospital's policy).</item>
/// <item><b>ThirdParty</b>: the state's schedule (page tiers for paper, a per-page rate for electronic copies, the retrieval
/// fee, the certification fee when asked, postage, then the cap); without a schedule, a policy fee with its reason.</item>
/// <item><b>None</b>, or a type the policy waives (continuity of care always, 164.506(c)(2)): nothing.</item>
/// </list>
/// </summary>
public static class FeeCalculator
{
    public const string PatientRateRule = "45 CFR 164.524(c)(4); OCR access guidance (2016)";
    public const string CioxRule = "45 CFR 164.524(c)(3)(ii); Ciox Health v. Azar (D.D.C. 2020)";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static FeeCalculation Calculate(FeeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var settings = input.Settings;
        var rule = RequesterRules.For(input.RequesterType);
        var pages = Math.Max(0, input.Pages);
        if (rule.Fees == FeeCategory.None || input.RequesterType == RequesterTypes.ContinuityOfCare
            || settings.FeeWaivedRequesterTypes.Contains(input.RequesterType, StringComparer.Ordinal))
        {
            var why = rule.Fees == FeeCategory.None || input.RequesterType == RequesterTypes.ContinuityOfCare
                ? $"{rule.Citation}: no fee for {rule.Title.ToLowerInvariant()}"
                : $"Hospital policy: no fee for {rule.Title.ToLowerInvariant()}";
            return new([new FeeLine("No fee", 1, 0, 0, why)], 0, why);
        }

        return rule.Fees switch
        {
            FeeCategory.Patient => PatientRate(input, pages, "patient rate"),
            FeeCategory.PatientDirected => PatientDirected(input, pages),
            _ => ThirdParty(input, pages),
        };
    }

    /// <summary>Whether the copy is electronic (PDF or FHIR JSON), as opposed to paper.</summary>
    public static bool IsElectronic(string format) => format is ReleaseFormats.Pdf or ReleaseFormats.FhirJson;

    public static IReadOnlyList<PageTier> Tiers(string? json) =>
        string.IsNullOrWhiteSpace(json) ? [] : JsonSerializer.Deserialize<List<PageTier>>(json, Json) ?? [];

    public static string Serialize(IReadOnlyList<FeeLine> lines) => JsonSerializer.Serialize(lines, Json);

    public static IReadOnlyList<FeeLine> Deserialize(string json) => JsonSerializer.Deserialize<List<FeeLine>>(json, Json) ?? [];

    private static FeeCalculation PatientRate(FeeInput input, int pages, string basis)
    {
        var settings = input.Settings;
        var electronic = IsElectronic(input.Format);
        var lines = new List<FeeLine>();
        // The flat fee is OCR's alternative for electronic copies of electronic records only; a paper copy is charged at cost.
        if (settings.PatientFeeMethod == PatientFeeMethods.Flat && electronic)
        {
            lines.Add(new("Flat fee for an electronic copy of electronic records (in lieu of cost)", 1, settings.PatientFlatFeeCents,
                settings.PatientFlatFeeCents, PatientRateRule + ": flat fee of up to $6.50"));
            return Done(lines, $"{basis}, flat fee for an electronic copy ({PatientRateRule})");
        }

        if (settings.PatientFeeMethod == PatientFeeMethods.AverageCost && electronic)
        {
            // Average labour for making an electronic copy, per request (never per page: the records are electronic).
            lines.Add(new("Labour for making the electronic copy (average cost, per request)", 1, settings.PatientAverageElectronicCents,
                settings.PatientAverageElectronicCents, PatientRateRule + ": average labour cost; no search or retrieval fee"));
        }

        if (!electronic && pages > 0)
        {
            lines.Add(new("Supplies: paper, per sheet at cost", pages, settings.PaperPageCents, pages * settings.PaperPageCents,
                PatientRateRule + ": supplies at cost; no per-page labour fee for records kept electronically"));
        }

        if (electronic && input.Delivery is DeliveryMethods.Mail or DeliveryMethods.Pickup)
        {
            lines.Add(new("Supplies: portable media (CD or USB drive)", 1, settings.MediaCents, settings.MediaCents,
                PatientRateRule + ": supplies for electronic media at cost"));
        }

        if (input.Delivery == DeliveryMethods.Mail)
        {
            lines.Add(new("Postage", 1, settings.PostageCents, settings.PostageCents, PatientRateRule + ": postage when mailed at the individual's request"));
        }

        var method = !electronic ? "actual cost of supplies and postage for a paper copy of electronic records"
            : settings.PatientFeeMethod == PatientFeeMethods.AverageCost ? "average cost" : "actual cost";
        if (lines.Count == 0)
        {
            lines.Add(new("No cost to charge (electronic copy, no supplies or postage)", 1, 0, 0, PatientRateRule));
        }

        return Done(lines, $"{basis}, {method} ({PatientRateRule})");
    }

    private static FeeCalculation PatientDirected(FeeInput input, int pages)
    {
        if (!IsElectronic(input.Format) || input.Delivery is DeliveryMethods.Mail or DeliveryMethods.Pickup)
        {
            return new([], 0, CioxRule, Refusal:
                "A patient's direction to a third party covers only an electronic copy of records in an EHR (45 CFR 164.524(c)(3)(ii) after Ciox v. Azar, 2020). "
                + "A paper or mailed copy to a third party needs the patient's authorization: log it as an authorized third-party request.");
        }

        if (input.State is { Active: true, ElectronicPageCents: { } cents } state)
        {
            var lines = new List<FeeLine>
            {
                new("Electronic copy, per page (state schedule)", pages, cents, pages * cents, $"{state.Citation}; {CioxRule}"),
            };
            return Cap(lines, state, $"patient-directed electronic copy, {state.StateCode} schedule's electronic rate ({CioxRule})");
        }

        return PatientRate(input, pages, "patient-directed electronic copy, no state electronic rate: the patient rate (hospital policy)");
    }

    private static FeeCalculation ThirdParty(FeeInput input, int pages)
    {
        if (input.State is not { Active: true } state)
        {
            if (input.PolicyFeeCents is not { } fee || string.IsNullOrWhiteSpace(input.PolicyReason))
            {
                return new([], 0, "No schedule configured", NeedsPolicyFee: true);
            }

            var rule = $"Hospital policy: no fee schedule is configured for this state; {input.PolicyReason.Trim()}";
            return Done([new FeeLine("Copy fee (hospital policy)", 1, fee, fee, rule)], $"third party, no state schedule: hospital policy fee");
        }

        var lines = new List<FeeLine>();
        if (state.RetrievalFeeCents > 0)
        {
            lines.Add(new("Search and retrieval fee", 1, state.RetrievalFeeCents, state.RetrievalFeeCents, state.Citation + ": retrieval fee"));
        }

        if (IsElectronic(input.Format) && state.ElectronicPageCents is { } electronic)
        {
            lines.Add(new("Electronic copy, per page", pages, electronic, pages * electronic, state.Citation + ": electronic copies"));
        }
        else
        {
            foreach (var tier in Tiers(state.PageTiers).OrderBy(t => t.From))
            {
                var last = Math.Min(pages, tier.To ?? int.MaxValue);
                var count = last - tier.From + 1;
                if (count <= 0)
                {
                    continue;
                }

                var range = tier.To is { } to ? $"pages {tier.From}-{to}" : $"pages {tier.From} and above";
                lines.Add(new($"Copies, {range}", count, tier.Cents, count * tier.Cents, state.Citation + ": per-page schedule"));
            }
        }

        if (input.CertificationRequested && state.CertificationFeeCents > 0)
        {
            lines.Add(new("Certification of records (custodian's certification or affidavit)", 1, state.CertificationFeeCents,
                state.CertificationFeeCents, state.Citation + ": certification"));
        }

        if (input.Delivery == DeliveryMethods.Mail)
        {
            lines.Add(new("Postage", 1, input.Settings.PostageCents, input.Settings.PostageCents, "Postage at cost"));
        }

        return Cap(lines, state, $"third party, {state.StateCode} schedule ({state.Citation})");
    }

    private static FeeCalculation Cap(List<FeeLine> lines, StateRule state, string basis)
    {
        var total = lines.Sum(l => l.AmountCents);
        if (state.MaxFeeCents is { } max && total > max)
        {
            lines.Add(new("Reduced to the state's maximum", 1, max - total, max - total, state.Citation + ": maximum fee"));
        }

        return Done(lines, basis);
    }

    private static FeeCalculation Done(List<FeeLine> lines, string basis) => new(lines, lines.Sum(l => l.AmountCents), basis);
}
