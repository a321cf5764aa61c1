using HimPortal.Application.Common;
using HimPortal.Application.Roi.LogRequest;
using HimPortal.Data.Roi;

namespace HimPortal.Web.Pages.Roi.Requests;

/// <summary>
/// The request form's fields as posted (prefix "Form"), shared by logging (/Roi/Requests/New) and editing
/// (/Roi/Requests/{id}/Edit). Dates are hospital days; the received day's clock starts at its first instant.
/// </summary>
public sealed class RequestForm
{
    public string RequesterType { get; set; } = RequesterTypes.Patient;
    public string RequesterName { get; set; } = "";
    public string? RequesterOrganization { get; set; }
    public string? RequesterAddress { get; set; }
    public string? RequesterEmail { get; set; }
    public string? RequesterPhone { get; set; }
    public string? Purpose { get; set; }
    public string ScopeKind { get; set; } = ScopeKinds.DesignatedRecordSet;
    public DateOnly? ScopeFrom { get; set; }
    public DateOnly? ScopeTo { get; set; }
    public List<Guid> ScopeEncounterIds { get; set; } = [];
    public List<string> ScopeDocumentTypes { get; set; } = [];
    public List<string> ScopeSections { get; set; } = [];
    public string Format { get; set; } = ReleaseFormats.Pdf;
    public string Delivery { get; set; } = DeliveryMethods.SecureDownload;
    public bool UnencryptedEmailWarningConfirmed { get; set; }
    public DateOnly? ReceivedOn { get; set; }
    public string? IdentityVerification { get; set; }
    public bool RepresentativeAuthorityChecked { get; set; }
    public DateOnly? ReturnDate { get; set; }
    public bool CertificationRequested { get; set; }
    public string? LegalObjections { get; set; }
    public string? SatisfactoryAssurances { get; set; }
    public bool Part2CourtOrder { get; set; }
    public string? StateCode { get; set; }

    /// <summary>Scanned document id → its role; an empty role leaves it unattached.</summary>
    public Dictionary<Guid, string> DocumentRoles { get; set; } = [];

    public RequestFields ToFields(HospitalTime hospital, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(hospital);
        ArgumentNullException.ThrowIfNull(clock);
        var received = ReceivedOn is { } day ? hospital.StartOf(day) : clock.GetUtcNow();
        return new RequestFields(RequesterType ?? "", RequesterName ?? "", RequesterOrganization, RequesterAddress, RequesterEmail, RequesterPhone, Purpose,
            ScopeKind ?? "", ScopeFrom, ScopeTo, ScopeEncounterIds, ScopeDocumentTypes, ScopeSections, Format ?? "", Delivery ?? "",
            UnencryptedEmailWarningConfirmed, received, IdentityVerification, RepresentativeAuthorityChecked, ReturnDate, CertificationRequested,
            LegalObjections, SatisfactoryAssurances, Part2CourtOrder, StateCode,
            [.. DocumentRoles.Where(d => !string.IsNullOrEmpty(d.Value)).Select(d => new AttachDocument(d.Key, d.Value))]);
    }

    public static RequestForm From(ReleaseRequest request, HospitalTime hospital)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(hospital);
        return new RequestForm
        {
            RequesterType = request.RequesterType, RequesterName = request.RequesterName, RequesterOrganization = request.RequesterOrganization,
            RequesterAddress = request.RequesterAddress, RequesterEmail = request.RequesterEmail, RequesterPhone = request.RequesterPhone,
            Purpose = request.Purpose, ScopeKind = request.ScopeKind, ScopeFrom = request.ScopeFrom, ScopeTo = request.ScopeTo,
            ScopeEncounterIds = [.. request.ScopeEncounterIds], ScopeDocumentTypes = [.. request.ScopeDocumentTypes], ScopeSections = [.. request.ScopeSections],
            Format = request.Format, Delivery = request.Delivery, UnencryptedEmailWarningConfirmed = request.UnencryptedEmailWarnedAt is not null,
            ReceivedOn = hospital.DayOf(request.ReceivedAt), IdentityVerification = request.IdentityVerification,
            RepresentativeAuthorityChecked = request.RepresentativeAuthorityChecked, ReturnDate = request.ReturnDate,
            CertificationRequested = request.CertificationRequested, LegalObjections = request.LegalObjections,
            SatisfactoryAssurances = request.SatisfactoryAssurances, Part2CourtOrder = request.Part2CourtOrder, StateCode = request.StateCode,
        };
    }
}

/// <summary>What the form partial needs: the posted values, the choices, and which documents are already attached (edit).</summary>
public sealed record RequestFormView(RequestForm Form, Application.Roi.GetRequestOptions.RequestOptions Options, IReadOnlySet<Guid> Attached, string SubmitLabel);
