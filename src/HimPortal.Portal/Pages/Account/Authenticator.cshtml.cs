using HimPortal.Application.Access.Identity;
using HimPortal.Application.Accounts.SecondFactor;
using HimPortal.Application.Accounts.SignOut;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;

namespace HimPortal.Portal.Pages.Account;

/// <summary>
/// Two-step sign-in for the portal: the authenticator key as a QR code (an image in the page, no script) and as text, a
/// code from the app to confirm it, then ten recovery codes shown this once. The session, started with the password
/// alone, then ends; the next sign-in asks for a code. While the portal requires a second factor this is the only page
/// a patient without one reaches (SecondFactorGate).
/// </summary>
public sealed class AuthenticatorModel(
    SetUpAuthenticatorHandler setUp, EnrolAuthenticatorHandler enrol, MakeRecoveryCodesHandler recovery, SignOutHandler signOut) : PageModel
{
    [BindProperty]
    public string Code { get; set; } = "";

    public AuthenticatorSetup? Setup { get; private set; }

    public string? QrCodeDataUri { get; private set; }

    /// <summary>Shown once, right after enrolment.</summary>
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    public bool Required => User.MustEnrolSecondFactorNow();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await ShowAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await enrol.HandleAsync(new EnrolAuthenticatorCommand(Code), ct);
        if (!result.IsSuccess)
        {
            Code = "";
            return await ShowAsync(ct) ?? this.Refuse(result.Error!, Page);
        }

        var codes = await recovery.HandleAsync(new MakeRecoveryCodesCommand(), ct);
        RecoveryCodes = codes.Value ?? [];
        // Enrolled: this session began with the password alone, so it ends; the next sign-in asks for a code.
        await signOut.HandleAsync(new SignOutCommand(), ct);
        return Page();
    }

    private async Task<IActionResult?> ShowAsync(CancellationToken ct)
    {
        var setup = await setUp.HandleAsync(new SetUpAuthenticatorQuery(), ct);
        if (!setup.IsSuccess)
        {
            return this.Refuse(setup.Error!, Page);
        }

        Setup = setup.Value!;
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(Setup.KeyUri.AbsoluteUri, QRCodeGenerator.ECCLevel.M);
        QrCodeDataUri = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
        return null;
    }
}
