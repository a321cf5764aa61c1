using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Alerts;
using HimPortal.Application.Compliance.Reviews;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>One privacy alert with its evidence and disposition (folder policy Audit.Review; the handlers re-check).</summary>
public sealed class AlertModel(GetAlertHandler get, ReviewAlertHandler review, HospitalTime hospital) : ReviewPageModel<AlertView>
{
    public HospitalTime Hospital => hospital;

    protected override string QueuePage => "/Compliance/Alerts";

    protected override string Recorded(string disposition) => $"Alert recorded as {disposition}.";

    protected override Task<Result<AlertView>> LoadAsync(Guid id, CancellationToken ct) => get.HandleAsync(new GetAlertQuery(id), ct);

    protected override Task<Result<string>> ReviewAsync(ReviewCommand command, CancellationToken ct) => review.HandleAsync(command, ct);
}
