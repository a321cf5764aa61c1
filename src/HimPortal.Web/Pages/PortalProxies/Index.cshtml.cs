using HimPortal.Application.Common;
using HimPortal.Application.Portal.Proxies;
using HimPortal.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.PortalProxies;

/// <summary>
/// HIM staff (folder policy Portal.Enrol) set up a personal representative's proxy access to a person's portal with the
/// document that proves the authority (45 CFR 164.502(g)), list the person's grants and revoke one.
/// </summary>
public sealed class IndexModel(ListProxyGrantsHandler list, CreateProxyGrantHandler create, RevokeProxyGrantHandler revoke) : PageModel
{
    public sealed class GrantInput
    {
        public string? RepresentativeName { get; set; }

        public string? RepresentativeFamilyName { get; set; }

        public DateOnly? RepresentativeBirthDate { get; set; }

        public string? Relationship { get; set; }

        public string? AuthorityDocument { get; set; }

        public IFormFile? AuthorityFile { get; set; }

        public DateOnly? StartsOn { get; set; }

        public DateOnly? EndsOn { get; set; }

        public bool HideMinorConsentedCare { get; set; }
    }

    [BindProperty]
    public GrantInput Grant { get; set; } = new();

    public Guid? PatientId { get; private set; }

    public ProxyGrantsView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid? patientId, CancellationToken ct)
    {
        if (patientId is null)
        {
            // The page is reached from a patient's chart ("Personal representatives"); the navigation's link lands here.
            return Page();
        }

        var shown = await ShowAsync(patientId.Value, null, ct);
        Grant.HideMinorConsentedCare = View?.Defaults.HideMinorConsentedCare ?? true;
        return shown;
    }

    public async Task<IActionResult> OnPostCreateAsync(Guid patientId, CancellationToken ct)
    {
        byte[]? pdf = null;
        if (Grant.AuthorityFile is { Length: > 0 } file)
        {
            if (file.Length > ProxyErrors.MaxDocumentBytes)
            {
                return await ShowAsync(patientId, Error.Invalid("Upload the document as a PDF of at most 20 MB.", "Grant.AuthorityFile"), ct);
            }

            await using var content = file.OpenReadStream();
            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, ct);
            pdf = buffer.ToArray();
        }

        var result = await create.HandleAsync(new CreateProxyGrantCommand(patientId, Grant.RepresentativeName ?? "", Grant.RepresentativeFamilyName ?? "",
            Grant.RepresentativeBirthDate, Grant.Relationship ?? "", Grant.AuthorityDocument ?? "", pdf, Grant.StartsOn, Grant.EndsOn,
            Grant.HideMinorConsentedCare), ct);
        return await AfterAsync(patientId, result.Error, "The representative's access is set up. Issue their activation letter so they can sign in.", ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid patientId, Guid grantId, uint version, string? reason, CancellationToken ct)
    {
        var result = await revoke.HandleAsync(new RevokeProxyGrantCommand(patientId, grantId, reason ?? "", version), ct);
        return await AfterAsync(patientId, result.Error, "The grant is revoked: the representative no longer reaches this record.", ct);
    }

    private Task<IActionResult> AfterAsync(Guid patientId, Error? error, string notice, CancellationToken ct) =>
        this.AfterChangeAsync(patientId, error, notice, refusal => ShowAsync(patientId, refusal, ct));

    private Task<IActionResult> ShowAsync(Guid patientId, Error? error, CancellationToken ct) =>
        this.ShowListAsync(error, () => list.HandleAsync(new ListProxyGrantsQuery(patientId), ct), view =>
        {
            PatientId = patientId;
            View = view;
        });
}
