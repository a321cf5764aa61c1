using HimPortal.Application.Access.Identity;
using HimPortal.Application.Accounts.SecondFactor;
using HimPortal.Application.Accounts.SignOut;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;

namespace HimPortal.Web.Pages.Account;

/// <summary>
/// Set up the authenticator app: the key as a QR code (an image in the page itself, no script) and as text, then a code
/// from the app to confirm. The only page (with sign-out) while a required second factor is missing.
/// </summary>
public sealed class AuthenticatorModel(SetUpAuthenticatorHandler setUp, EnrolAuthenticatorHandler enrol, SignOutHandler signOut) : PageModel
{
    [BindProperty]
    public string Code { get; set; } = "";

    public AuthenticatorSetup? Setup { get; private set; }

    public string? QrCodeDataUri { get; private set; }

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

        // Enrolled: this session was started with the password alone, so it ends; the next sign-in asks for a code.
        await signOut.HandleAsync(new SignOutCommand(), ct);
        return RedirectToPage("/Account/Login", new { secondFactorEnrolled = true });
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
