namespace HimPortal.Web.Pages.Roi.Requests;

/// <summary>The tabs of one release request's pages; <see cref="Active"/> is one of the constants.</summary>
public sealed record RequestTabs(Guid RequestId, string Active, string? Number = null, string? Status = null)
{
    public const string Overview = "overview";
    public const string Authorization = "authorization";
    public const string Fees = "fees";
    public const string Packet = "packet";
    public const string Delivery = "delivery";
    public const string Evidence = "evidence";

    public static readonly IReadOnlyList<(string Key, string Title, string Suffix)> All =
    [
        (Overview, "Request", ""),
        (Authorization, "Authorization", "/Authorization"),
        (Fees, "Fees", "/Fees"),
        (Packet, "Packet", "/Packet"),
        (Delivery, "Delivery", "/Delivery"),
        (Evidence, "Evidence pack", "/Evidence"),
    ];
}
