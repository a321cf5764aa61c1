using HimPortal.Application.Access;

namespace HimPortal.Web.Pages.Charts;

/// <summary>Where a patient found in the search leads the reader, as their permissions decide, and how the page says so.</summary>
public sealed class SearchLeads
{
    public SearchLeads(IReadOnlyCollection<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ReadsClinical = RolePermissions.Grants(roles, Permissions.ChartsRead);
        Sections = ChartSections.For(roles);
        ManagesAccess = RolePermissions.Grants(roles, Permissions.ChartAccessManage);
        ReviewsAccess = RolePermissions.Grants(roles, Permissions.AuditReview);
        HoldsPortalItems = RolePermissions.Grants(roles, Permissions.PortalHold);
        EnrolsPortal = RolePermissions.Grants(roles, Permissions.PortalEnrol);
        // A chart of demographics alone says less than the search row did: a reviewer goes to the access history instead.
        ToChart = ReadsClinical || Sections.Contains(ChartSection.Encounters) || Sections.Contains(ChartSection.Documents) || !ReviewsAccess;
    }

    public bool ReadsClinical { get; }

    public IReadOnlySet<ChartSection> Sections { get; }

    public bool ManagesAccess { get; }

    public bool ReviewsAccess { get; }

    /// <summary>Physicians and HIM managers hold items back from the portal (45 CFR 171 exceptions).</summary>
    public bool HoldsPortalItems { get; }

    /// <summary>HIM staff set up personal representatives (45 CFR 164.502(g)).</summary>
    public bool EnrolsPortal { get; }

    /// <summary>The patient's name opens the chart; otherwise it opens the patient's access history.</summary>
    public bool ToChart { get; }

    public string Title => ToChart ? "Patient charts" : "Find a patient";

    public string PrimaryUrl(Guid patientId) => ToChart ? $"/Charts/Chart/{patientId}" : HistoryUrl(patientId);

    public static string AccessUrl(Guid patientId) => $"/ChartAccess/Patient/{patientId}";

    public static string HistoryUrl(Guid patientId) => $"/Compliance/Patient/{patientId}";

    /// <summary>What opening the chart shows this reader, in words (null when the name does not open the chart).</summary>
    public string? ChartHint
    {
        get
        {
            if (!ToChart)
            {
                return null;
            }

            if (ReadsClinical)
            {
                return "Opening a chart needs a treatment relationship, or break-the-glass.";
            }

            var parts = new List<string>();
            if (Sections.Contains(ChartSection.Demographics))
            {
                parts.Add("the patient's demographics");
            }

            if (Sections.Contains(ChartSection.Encounters))
            {
                parts.Add("the encounters (dates, kinds and places)");
            }

            if (Sections.Contains(ChartSection.Documents))
            {
                parts.Add("the list of documents");
            }

            var list = parts.Count switch
            {
                0 => "nothing of the record",
                1 => parts[0],
                _ => string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1],
            };
            return $"A chart shows you {list}: what your work needs, not the clinical content.";
        }
    }
}
