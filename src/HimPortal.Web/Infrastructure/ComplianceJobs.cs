using HimPortal.Application.Audit;
using HimPortal.Application.Audit.EnsureAuditPartitions;
using HimPortal.Application.Compliance.Integrity;
using HimPortal.Application.Compliance.Monitoring;

namespace HimPortal.Web.Infrastructure;

/// <summary>
/// The privacy-monitoring schedule: runs the enabled rules every Compliance:Monitoring:Interval (15 minutes), and keeps
/// the audit's monthly partitions ahead. Several web instances may run it: the rules take an advisory lock, so only one
/// instance evaluates at a time. Compliance:Monitoring:Enabled=false switches the schedule off (the rules still run on
/// demand from the rules page).
/// </summary>
public sealed partial class PrivacyMonitoringJob(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<PrivacyMonitoringJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Compliance:Monitoring:Interval", TimeSpan.FromMinutes(15));
        var enabled = configuration.GetValue("Compliance:Monitoring:Enabled", true);
        await Task.Delay(configuration.GetValue("Compliance:Monitoring:StartDelay", TimeSpan.FromSeconds(30)), stoppingToken);
        var lastPartitionCheck = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(ActorScope.Scheduler("privacy-monitoring", Guid.CreateVersion7().ToString("N")));
                if (DateTimeOffset.UtcNow - lastPartitionCheck > TimeSpan.FromHours(12))
                {
                    var created = await scope.ServiceProvider.GetRequiredService<EnsureAuditPartitionsHandler>()
                        .HandleAsync(new EnsureAuditPartitionsCommand(), stoppingToken);
                    lastPartitionCheck = DateTimeOffset.UtcNow;
                    LogPartitions(created.Value);
                }

                if (enabled)
                {
                    var result = await scope.ServiceProvider.GetRequiredService<RunMonitoringHandler>()
                        .HandleAsync(new RunMonitoringCommand(Scheduled: true), stoppingToken);
                    if (result.IsSuccess && !result.Value!.Skipped)
                    {
                        LogRun(result.Value.RunId, result.Value.Raised, result.Value.Updated);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Logged by type and message only: the rules' SQL errors carry no patient data, and the next pass retries.
                LogFailed(ex.GetType().Name);
            }

            await Task.Delay(interval, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Privacy monitoring run {RunId}: {Raised} alert(s) raised, {Updated} updated")]
    private partial void LogRun(Guid runId, int raised, int updated);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit partitions ensured ahead: {Created} created")]
    private partial void LogPartitions(int created);

    [LoggerMessage(Level = LogLevel.Error, Message = "Privacy monitoring pass failed ({Error}); retrying at the next interval")]
    private partial void LogFailed(string error);
}

/// <summary>Runs the chain verifications asked for on the tamper-evidence page, one at a time, polling for queued ones.</summary>
public sealed partial class ChainVerificationJob(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<ChainVerificationJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = configuration.GetValue("Compliance:Verification:PollInterval", TimeSpan.FromSeconds(5));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(ActorScope.Scheduler("chain-verification", Guid.CreateVersion7().ToString("N")));
                var done = await scope.ServiceProvider.GetRequiredService<RunQueuedVerificationHandler>()
                    .HandleAsync(new RunQueuedVerificationCommand(), stoppingToken);
                if (done.Value is { } verification)
                {
                    LogVerified(verification.Id, verification.Status, verification.RowsChecked);
                    continue;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex.GetType().Name);
            }

            await Task.Delay(poll, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit chain verification {Id}: {Status}, {Rows} row(s)")]
    private partial void LogVerified(Guid id, string status, long rows);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit chain verification pass failed ({Error})")]
    private partial void LogFailed(string error);
}
