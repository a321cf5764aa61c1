using HimPortal.Application.Roi.Fees;
using HimPortal.Data.Roi;

namespace HimPortal.Tests.Roi;

/// <summary>Each fee rule of issue 17 item 4, on the pure calculator.</summary>
public sealed class FeeCalculatorTests
{
    private static readonly StateRule Texas = new()
    {
        StateCode = "TX",
        Name = "Texas",
        Citation = "Tex. Health & Safety Code 241.154",
        PageTiers = """[{"from":1,"to":20,"cents":100},{"from":21,"to":null,"cents":50}]""",
        ElectronicPageCents = 25,
        RetrievalFeeCents = 2500,
        CertificationFeeCents = 1000,
        MaxFeeCents = null,
    };

    private static FeeCalculation Calc(string type, string format = ReleaseFormats.Pdf, string delivery = DeliveryMethods.SecureDownload, int pages = 40,
        RoiSettings? settings = null, StateRule? state = null, bool certification = false, int? policy = null, string? reason = null) =>
        FeeCalculator.Calculate(new FeeInput(type, format, delivery, pages, certification, settings ?? new RoiSettings(), state, policy, reason));

    [Fact]
    public void The_patient_flat_fee_is_at_most_six_fifty_for_an_electronic_copy()
    {
        var fee = Calc(RequesterTypes.Patient);
        fee.Lines.ShouldHaveSingleItem().AmountCents.ShouldBe(650);
        fee.TotalCents.ShouldBe(650);
        fee.Lines[0].Rule.ShouldContain("164.524(c)(4)");
    }

    [Theory]
    [InlineData(PatientFeeMethods.Flat)]
    [InlineData(PatientFeeMethods.ActualCost)]
    [InlineData(PatientFeeMethods.AverageCost)]
    public void A_patient_is_never_charged_a_per_page_labour_or_copy_fee_even_on_paper(string method)
    {
        foreach (var format in ReleaseFormats.All)
        {
            foreach (var delivery in DeliveryMethods.All)
            {
                var fee = Calc(RequesterTypes.Patient, format, delivery, pages: 300, settings: new RoiSettings { PatientFeeMethod = method });
                fee.CanInvoice.ShouldBeTrue();
                // The only line that may count pages is the paper itself, at cost, as a supply.
                fee.Lines.Where(l => l.Quantity > 1).ShouldAllBe(l => l.Description.StartsWith("Supplies: paper", StringComparison.Ordinal));
                fee.Lines.ShouldAllBe(l => !l.Description.Contains("retrieval", StringComparison.OrdinalIgnoreCase)
                                           && !l.Description.Contains("search", StringComparison.OrdinalIgnoreCase));
                fee.Lines.ShouldAllBe(l => !l.Description.Contains("Labour", StringComparison.Ordinal) || l.Quantity == 1);
                if (format != ReleaseFormats.Paper)
                {
                    fee.Lines.ShouldAllBe(l => l.Quantity == 1, $"{method} {format} {delivery}");
                }
            }
        }
    }

    [Fact]
    public void Actual_cost_on_paper_by_mail_is_paper_at_cost_and_postage_only()
    {
        var fee = Calc(RequesterTypes.Patient, ReleaseFormats.Paper, DeliveryMethods.Mail, pages: 40, settings: new RoiSettings { PatientFeeMethod = PatientFeeMethods.ActualCost });
        fee.Lines.Select(l => l.Description).ShouldBe(["Supplies: paper, per sheet at cost", "Postage"]);
        fee.TotalCents.ShouldBe(40 * 5 + 150);
    }

    [Fact]
    public void Average_cost_charges_one_labour_line_per_request_and_media_when_it_leaves_on_a_cd()
    {
        var fee = Calc(RequesterTypes.PersonalRepresentative, ReleaseFormats.Pdf, DeliveryMethods.Pickup, pages: 500,
            settings: new RoiSettings { PatientFeeMethod = PatientFeeMethods.AverageCost, PatientAverageElectronicCents = 400 });
        fee.TotalCents.ShouldBe(400 + 300);
        fee.Lines.Count.ShouldBe(2);
    }

    [Fact]
    public void A_patient_directed_electronic_copy_uses_the_state_electronic_rate_else_the_patient_rate()
    {
        var withState = Calc(RequesterTypes.PatientDirected, state: Texas, pages: 40);
        withState.TotalCents.ShouldBe(40 * 25);
        withState.Lines.ShouldHaveSingleItem().Rule.ShouldContain("Ciox");

        var withoutState = Calc(RequesterTypes.PatientDirected, pages: 40);
        withoutState.TotalCents.ShouldBe(650);
        withoutState.Basis.ShouldContain("patient rate");
    }

    [Theory]
    [InlineData(ReleaseFormats.Paper, DeliveryMethods.SecureDownload)]
    [InlineData(ReleaseFormats.Pdf, DeliveryMethods.Mail)]
    public void A_patient_direction_of_a_paper_or_mailed_copy_to_a_third_party_is_refused(string format, string delivery)
    {
        var fee = Calc(RequesterTypes.PatientDirected, format, delivery, state: Texas);
        fee.CanInvoice.ShouldBeFalse();
        fee.Refusal!.ShouldContain("authorization");
    }

    [Fact]
    public void A_third_party_pays_the_state_tiers_retrieval_and_certification()
    {
        var fee = Calc(RequesterTypes.Attorney, ReleaseFormats.Paper, DeliveryMethods.SecureDownload, pages: 30, state: Texas, certification: true);
        fee.Lines.Select(l => (l.Description, l.AmountCents)).ShouldBe(
        [
            ("Search and retrieval fee", 2500),
            ("Copies, pages 1-20", 2000),
            ("Copies, pages 21 and above", 500),
            ("Certification of records (custodian's certification or affidavit)", 1000),
        ]);
        fee.TotalCents.ShouldBe(6000);
        fee.Lines.ShouldAllBe(l => l.Rule.StartsWith(Texas.Citation, StringComparison.Ordinal));
    }

    [Fact]
    public void A_third_party_electronic_copy_uses_the_electronic_rate_and_the_cap_applies()
    {
        var capped = new StateRule
        {
            StateCode = Texas.StateCode, Name = Texas.Name, Citation = Texas.Citation, PageTiers = Texas.PageTiers, ElectronicPageCents = 25,
            RetrievalFeeCents = 2500, CertificationFeeCents = 1000, MaxFeeCents = 3000,
        };
        var fee = Calc(RequesterTypes.Insurer, pages: 100, state: capped);
        fee.Lines.Select(l => l.AmountCents).ShouldBe([2500, 2500, -2000]);
        fee.TotalCents.ShouldBe(3000);
    }

    [Theory]
    [InlineData(RequesterTypes.ContinuityOfCare)]
    [InlineData(RequesterTypes.SocialSecurity)]
    public void Continuity_of_care_and_social_security_are_waived(string type)
    {
        var fee = Calc(type, ReleaseFormats.Paper, DeliveryMethods.Mail, state: Texas);
        fee.TotalCents.ShouldBe(0);
        fee.Lines.ShouldHaveSingleItem().Description.ShouldBe("No fee");
    }

    [Fact]
    public void Continuity_of_care_is_never_charged_even_when_the_policy_waives_nothing()
    {
        var fee = Calc(RequesterTypes.ContinuityOfCare, state: Texas, settings: new RoiSettings { FeeWaivedRequesterTypes = [] });
        fee.TotalCents.ShouldBe(0);
        fee.Basis.ShouldContain("164.506(c)(2)");
    }

    [Fact]
    public void Without_a_state_schedule_a_third_party_needs_a_policy_fee_with_its_reason()
    {
        var none = Calc(RequesterTypes.Attorney);
        none.NeedsPolicyFee.ShouldBeTrue();
        none.CanInvoice.ShouldBeFalse();

        var policy = Calc(RequesterTypes.Attorney, policy: 2000, reason: "flat third-party fee set by the HIM committee");
        policy.TotalCents.ShouldBe(2000);
        policy.Lines.ShouldHaveSingleItem().Rule.ShouldContain("no fee schedule is configured");
    }
}
