using HimPortal.Application.Portal.Configure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.PortalAccounts;

/// <summary>The patient portal's settings (Portal.Configure, HIM manager): every field at once, against the version shown.</summary>
public sealed class SettingsModel(GetPortalSettingsHandler get, SavePortalSettingsHandler save) : PageModel
{
    public sealed class InputModel
    {
        public int ActivationCodeDays { get; set; }

        public int ActivationMaxAttempts { get; set; }

        public string SecondFactor { get; set; } = "";

        public bool ShowStaffNames { get; set; }

        public int ProxyEndsAtAge { get; set; }

        public bool HideMinorConsentedCareFromProxy { get; set; }

        public int AmendmentDueDays { get; set; }

        public int AmendmentExtensionDays { get; set; }

        public uint Version { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public PortalSettingsView? Current { get; private set; }

    [BindProperty(SupportsGet = true)]
    public bool Saved { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetPortalSettingsQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Current = result.Value!;
        Input = new InputModel
        {
            ActivationCodeDays = Current.ActivationCodeDays,
            ActivationMaxAttempts = Current.ActivationMaxAttempts,
            SecondFactor = Current.SecondFactor,
            ShowStaffNames = Current.ShowStaffNames,
            ProxyEndsAtAge = Current.ProxyEndsAtAge,
            HideMinorConsentedCareFromProxy = Current.HideMinorConsentedCareFromProxy,
            AmendmentDueDays = Current.AmendmentDueDays,
            AmendmentExtensionDays = Current.AmendmentExtensionDays,
            Version = Current.Version,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await save.HandleAsync(new SavePortalSettingsCommand(Input.ActivationCodeDays, Input.ActivationMaxAttempts, Input.SecondFactor,
            Input.ShowStaffNames, Input.ProxyEndsAtAge, Input.HideMinorConsentedCareFromProxy, Input.AmendmentDueDays, Input.AmendmentExtensionDays,
            Input.Version), ct);
        if (!result.IsSuccess)
        {
            // Shown with what was typed, and the current version only after a conflict (the values are read again below).
            var typed = Input;
            await OnGetAsync(ct);
            if (result.Error!.Kind != Application.Common.ErrorKind.Conflict)
            {
                typed.Version = Input.Version;
                Input = typed;
            }

            return this.Refuse(result.Error!, Page);
        }

        return RedirectToPage(new { saved = true });
    }
}
