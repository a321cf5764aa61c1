using HimPortal.Application.Jobs;

namespace HimPortal.Application.Accounts.SendPasswordResetLink;

/// <summary>The account a reset link goes to: its id only (the address, the name and the link are read or made when the job runs).</summary>
public sealed record PasswordResetLinkPayload(Guid UserId) : IJobPayload;

/// <summary>Mails a password-reset link in the background, as the scheduler; retried with back-off if the relay fails.</summary>
[JobKind(Kind)]
public sealed class SendPasswordResetLinkJob(SendPasswordResetLinkHandler send) : IJobWork
{
    public const string Kind = "accounts.password-reset-link";

    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var payload = job.Payload<PasswordResetLinkPayload>();
        var result = await send.HandleAsync(new SendPasswordResetLinkCommand(payload.UserId), ct);
        if (result.Error is { } refused)
        {
            job.FailureMessage = refused.Message;
            return JobOutcome.Failed;
        }

        job.Result = new { Sent = result.Value };
        return JobOutcome.Succeeded;
    }
}
