using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data.Roi;

namespace HimPortal.Application.Roi.Authorizations;

/// <summary>The expected failures of the authorization, legal process and denial use cases, and their audit rows.</summary>
public static class RoiAuthorizationErrors
{
    public static readonly Error NotFound = Error.NotFound("There is no such release request.");

    public static readonly Error Conflict = Error.Conflict("Someone else changed this request or authorization meanwhile: it is shown again as it is now.");

    public static readonly Error Closed = Error.Conflict("The request is closed (delivered, denied or withdrawn).");

    /// <summary>The audit row every ROI handler writes (the evidence pack's access-log excerpt selects these rows).</summary>
    public static AuditRecord Audit(ReleaseRequest request, string action, string details, string outcome = AuditOutcome.Success)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new AuditRecord(action, outcome, "ReleaseRequest", request.Id.ToString("D"), request.PatientId, Purpose: "HOPERAT", Details: details);
    }

    /// <summary>The requester's address block for a letter: name, organization, the address lines.</summary>
    public static IReadOnlyList<string> AddressLines(ReleaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var lines = new List<string> { request.RequesterName };
        if (!string.IsNullOrWhiteSpace(request.RequesterOrganization))
        {
            lines.Add(request.RequesterOrganization);
        }

        lines.AddRange((request.RequesterAddress ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return lines;
    }

    /// <summary>Who letters come from (the hospital's HIM department, which answers for release of information).</summary>
    public const string From = "Health Information Management - Release of Information";
}

/// <summary>Writes a letter and counts its pages (kept with the letter: roi.letters.page_count).</summary>
public static class LetterPages
{
    public static (byte[] Bytes, int Pages) Write(HimPortal.Application.Common.Letters.LetterContent content)
    {
        var bytes = HimPortal.Application.Common.Letters.LetterPdf.Write(content);
        using var document = UglyToad.PdfPig.PdfDocument.Open(bytes);
        return (bytes, document.NumberOfPages);
    }
}
