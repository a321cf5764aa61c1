using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data.Roi;

namespace HimPortal.Application.Roi;

/// <summary>
/// The audit convention of every release-of-information handler (ADR 0030): the request as the resource, its patient,
/// and short details without patient values. The evidence pack's access-log excerpt selects exactly these rows.
/// </summary>
public static class RoiAudit
{
    public const string ResourceType = "ReleaseRequest";

    public static AuditRecord Of(ReleaseRequest request, string action, string details, string outcome = AuditOutcome.Success, AuditActor? actor = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new AuditRecord(action, outcome, ResourceType, request.Id.ToString("D"), request.PatientId, "release of information", details, actor);
    }

    /// <summary>The answer when the request or an object under it changed since the user read it (optimistic concurrency).</summary>
    public static readonly Error Stale = new(ErrorKind.Conflict, "request-changed",
        "The request was changed since you opened it (by someone else, or in another tab). Open it again.");

    /// <summary>Dollars as the letters and pages show them: "$12.50".</summary>
    public static string Money(int cents) => (cents < 0 ? "-" : "") + "$" + (Math.Abs(cents) / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Dollars typed on a form to cents (two decimals at most, validated before).</summary>
    public static int Cents(decimal dollars) => (int)Math.Round(dollars * 100m, MidpointRounding.AwayFromZero);

    /// <summary>The requester as the accounting and the letters name them: the person, and the organization when there is one.</summary>
    public static string Recipient(ReleaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return string.IsNullOrWhiteSpace(request.RequesterOrganization) ? request.RequesterName : $"{request.RequesterName}, {request.RequesterOrganization}";
    }

    public static IReadOnlyList<string> AddressLines(string? address) =>
        string.IsNullOrWhiteSpace(address) ? [] : address.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
