using HimPortal.Application.Completion.Aging.GetCompletionNumbers;
using HimPortal.Application.Documents.QualityControl;
using HimPortal.Application.Mpi.GetMpiFigures;
using HimPortal.Application.Roi.GetRoiFigures;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Management;

/// <summary>The HIM manager's department page (folder policy Department.Dashboard): indexing QA's figures and the MPI's.</summary>
public sealed class IndexModel(GetQualityFiguresHandler figures, GetMpiFiguresHandler mpiFigures, GetRoiFiguresHandler roiFigures,
    GetCompletionNumbersHandler completionNumbers) : PageModel
{
    public QualityFigures? Quality { get; private set; }

    public MpiFigures? Mpi { get; private set; }

    /// <summary>Release of information's numbers (issue 17 item 9); null for a manager without Roi.Numbers.</summary>
    public RoiFigures? Roi { get; private set; }

    /// <summary>Chart completion's numbers (issue 18 item 4); null for a manager without Completion.Manage.</summary>
    public CompletionNumbers? Completion { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var result = await figures.HandleAsync(new GetQualityFiguresQuery(), ct);
        Quality = result.Value;
        Mpi = (await mpiFigures.HandleAsync(new GetMpiFiguresQuery(), ct)).Value;
        Roi = (await roiFigures.HandleAsync(new GetRoiFiguresQuery(), ct)).Value;
        Completion = (await completionNumbers.HandleAsync(new GetCompletionNumbersQuery(), ct)).Value;
    }
}
