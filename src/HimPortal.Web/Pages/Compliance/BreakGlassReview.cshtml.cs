using HimPortal.Application.Common;
using HimPortal.Application.Compliance.BreakGlassReview;
using HimPortal.Application.Compliance.Reviews;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>One emergency access and its disposition (folder policy Audit.Review; the handlers re-check on GET and POST).</summary>
public sealed class BreakGlassReviewModel(GetBreakGlassReviewHandler get, ReviewBreakGlassHandler review, HospitalTime hospital)
    : ReviewPageModel<BreakGlassReviewView>
{
    public HospitalTime Hospital => hospital;

    protected override string QueuePage => "/Compliance/BreakGlass";

    protected override string Recorded(string disposition) => $"Break-the-glass access recorded as {disposition}.";

    protected override Task<Result<BreakGlassReviewView>> LoadAsync(Guid id, CancellationToken ct) =>
        get.HandleAsync(new GetBreakGlassReviewQuery(id), ct);

    protected override Task<Result<string>> ReviewAsync(ReviewCommand command, CancellationToken ct) => review.HandleAsync(command, ct);
}
