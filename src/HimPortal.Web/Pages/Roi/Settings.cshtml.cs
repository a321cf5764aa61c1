using HimPortal.Application.Roi.GetRoiSettings;
using HimPortal.Application.Roi.SaveStateRule;
using HimPortal.Application.Roi.UpdateRoiPolicy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi;

/// <summary>
/// The HIM manager's ROI settings (issue 17 item 1/4): the policy row and the state rules table. Page policy Roi.Configure
/// (PermissionAuthorization takes it out of the folder's Roi.Process); the handlers check again and audit. Amounts are
/// entered in dollars and kept in cents.
/// </summary>
public sealed class SettingsModel(GetRoiSettingsHandler get, UpdateRoiPolicyHandler update, SaveStateRuleHandler save) : PageModel
{
    public RoiSettingsView Current { get; private set; } = null!;

    [BindProperty]
    public PolicyInput Policy { get; set; } = new();

    [BindProperty]
    public StateInput State { get; set; } = new();

    /// <summary>The state being edited (?state=TX); none to add one.</summary>
    [BindProperty(SupportsGet = true, Name = "state")]
    public string? Editing { get; set; }

    public sealed class PolicyInput
    {
        public string HospitalState { get; set; } = "";
        public int PolicyDays { get; set; }
        public string PatientFeeMethod { get; set; } = "";
        public decimal PatientFlatFee { get; set; }
        public decimal PatientLaborPage { get; set; }
        public decimal PaperPage { get; set; }
        public decimal Media { get; set; }
        public decimal Postage { get; set; }
        public decimal PatientAverageElectronic { get; set; }
        public List<string> FeeWaivedRequesterTypes { get; set; } = [];
        public bool ReleaseWaitsForPayment { get; set; }
        public int DownloadLinkDays { get; set; }
        public int DownloadLinkMaxDownloads { get; set; }
        public List<string> ExtraRestrictedLabels { get; set; } = [];
        public uint Version { get; set; }
    }

    public sealed class TierInput
    {
        public int? From { get; set; }
        public int? To { get; set; }
        public decimal? PerPage { get; set; }
    }

    public sealed class StateInput
    {
        public string StateCode { get; set; } = "";
        public string Name { get; set; } = "";
        public int? IndividualAccessDays { get; set; }
        public bool IndividualAccessBusinessDays { get; set; }
        public int? ThirdPartyDays { get; set; }
        public string Citation { get; set; } = "";
        public List<TierInput> Tiers { get; set; } = [];
        public decimal? ElectronicPage { get; set; }
        public decimal RetrievalFee { get; set; }
        public decimal CertificationFee { get; set; }
        public decimal? MaxFee { get; set; }
        public bool Active { get; set; } = true;
        public uint? Version { get; set; }
    }

    public static int Cents(decimal dollars) => (int)Math.Round(dollars * 100, MidpointRounding.AwayFromZero);

    public static decimal Dollars(int cents) => cents / 100m;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var shown = await ShowAsync(ct);
        if (shown is not PageResult)
        {
            return shown;
        }

        var p = Current.Policy;
        Policy = new PolicyInput
        {
            HospitalState = p.HospitalState, PolicyDays = p.PolicyDays, PatientFeeMethod = p.PatientFeeMethod, PatientFlatFee = Dollars(p.PatientFlatFeeCents),
            PatientLaborPage = Dollars(p.PatientLaborPageCents), PaperPage = Dollars(p.PaperPageCents), Media = Dollars(p.MediaCents), Postage = Dollars(p.PostageCents),
            PatientAverageElectronic = Dollars(p.PatientAverageElectronicCents), FeeWaivedRequesterTypes = [.. p.FeeWaivedRequesterTypes],
            ReleaseWaitsForPayment = p.ReleaseWaitsForPayment, DownloadLinkDays = p.DownloadLinkDays, DownloadLinkMaxDownloads = p.DownloadLinkMaxDownloads,
            ExtraRestrictedLabels = [.. p.ExtraRestrictedLabels], Version = p.Version,
        };
        if (Current.States.FirstOrDefault(s => s.Rule.StateCode == Editing) is { } editing)
        {
            var s = editing.Rule;
            State = new StateInput
            {
                StateCode = s.StateCode, Name = s.Name, IndividualAccessDays = s.IndividualAccessDays, IndividualAccessBusinessDays = s.IndividualAccessBusinessDays,
                ThirdPartyDays = s.ThirdPartyDays, Citation = s.Citation, ElectronicPage = s.ElectronicPageCents is { } e ? Dollars(e) : null,
                RetrievalFee = Dollars(s.RetrievalFeeCents), CertificationFee = Dollars(s.CertificationFeeCents), MaxFee = s.MaxFeeCents is { } m ? Dollars(m) : null,
                Active = s.Active, Version = s.Version,
                Tiers = [.. editing.Tiers.Select(t => new TierInput { From = t.From, To = t.To, PerPage = Dollars(t.Cents) })],
            };
        }

        return Page();
    }

    public async Task<IActionResult> OnPostPolicyAsync(CancellationToken ct)
    {
        var p = Policy;
        var result = await update.HandleAsync(new UpdateRoiPolicyCommand((p.HospitalState ?? "").Trim().ToUpperInvariant(), p.PolicyDays, p.PatientFeeMethod ?? "",
            Cents(p.PatientFlatFee), Cents(p.PatientLaborPage), Cents(p.PaperPage), Cents(p.Media), Cents(p.Postage), Cents(p.PatientAverageElectronic),
            p.FeeWaivedRequesterTypes, p.ReleaseWaitsForPayment, p.DownloadLinkDays, p.DownloadLinkMaxDownloads, p.ExtraRestrictedLabels, p.Version), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = "ROI policy saved.";
            return RedirectToPage();
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
    }

    public async Task<IActionResult> OnPostStateAsync(CancellationToken ct)
    {
        var s = State;
        var tiers = s.Tiers.Where(t => t.From is not null || t.PerPage is not null)
            .Select(t => new PageTier(t.From ?? 0, t.To, t.PerPage is { } d ? Cents(d) : -1)).ToList();
        var result = await save.HandleAsync(new SaveStateRuleCommand((s.StateCode ?? "").Trim().ToUpperInvariant(), s.Name ?? "", s.IndividualAccessDays,
            s.IndividualAccessBusinessDays, s.ThirdPartyDays, s.Citation ?? "", tiers, s.ElectronicPage is { } e ? Cents(e) : null, Cents(s.RetrievalFee),
            Cents(s.CertificationFee), s.MaxFee is { } m ? Cents(m) : null, s.Active, s.Version), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = $"State rule {s.StateCode} saved.";
            return RedirectToPage();
        }

        Editing = s.StateCode;
        return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetRoiSettingsQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        Current = result.Value!;
        return Page();
    }
}
