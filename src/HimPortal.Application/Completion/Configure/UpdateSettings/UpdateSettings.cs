using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Configure.UpdateSettings;

public sealed record UpdateSettingsCommand(DateOnly? GoLive, IReadOnlyList<int> NoticeDaysBefore, int EscalateAfterDays, int SuspendAfterDays, bool LeavePausesDeadlines, uint Version);

public sealed class UpdateSettingsValidator : AbstractValidator<UpdateSettingsCommand>
{
    public UpdateSettingsValidator()
    {
        RuleFor(c => c.GoLive).NotNull().WithMessage("Give the go-live day (stays discharged before it are not analysed).");
        RuleFor(c => c.NoticeDaysBefore).Must(d => d.Count <= 10).WithMessage("Ten notice days at most.");
        RuleForEach(c => c.NoticeDaysBefore).InclusiveBetween(1, 365).WithMessage("Notice days are between 1 and 365 days before delinquency.");
        RuleFor(c => c.NoticeDaysBefore).Must(d => d.Distinct().Count() == d.Count).WithMessage("Each notice day once.");
        RuleFor(c => c.EscalateAfterDays).InclusiveBetween(0, 365).WithMessage("Escalation is 0 to 365 days after delinquency.");
        RuleFor(c => c.SuspendAfterDays).InclusiveBetween(0, 365).WithMessage("Suspension is 0 to 365 days after delinquency.");
    }
}

/// <summary>
/// An HIM manager changes chart completion's settings (issue 18 items 2 and 4: go-live, notices, escalation, suspension
/// per the bylaws, whether leave pauses deadlines). Go-live and leave change what the analysis decides, so a change to
/// either queues the stays not yet complete. Version checked; audited as completion.configure with old and new values.
/// </summary>
[RequiresPermission(Permissions.CompletionManage)]
public sealed class UpdateSettingsHandler(
    PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock, IValidator<UpdateSettingsCommand> validator)
    : Handler<UpdateSettingsCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(UpdateSettingsCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await Versioned.InTransactionAsync<bool>(db, ConfigureAudit.Stale, async token =>
        {
            var settings = await db.CompletionSettings.SingleAsync(token);
            if (settings.Version != command.Version)
            {
                return ConfigureAudit.Stale;
            }

            var now = clock.GetUtcNow();
            var before = $"go-live {settings.GoLive:yyyy-MM-dd}; notices [{string.Join(",", settings.NoticeDaysBefore)}]; escalate {settings.EscalateAfterDays}; suspend {settings.SuspendAfterDays}; leave pauses {settings.LeavePausesDeadlines}";
            var reanalyse = settings.GoLive != command.GoLive || settings.LeavePausesDeadlines != command.LeavePausesDeadlines;
            db.Entry(settings).Property(s => s.Version).OriginalValue = command.Version;
            settings.GoLive = command.GoLive!.Value;
            settings.NoticeDaysBefore = [.. command.NoticeDaysBefore.OrderDescending()];
            settings.EscalateAfterDays = command.EscalateAfterDays;
            settings.SuspendAfterDays = command.SuspendAfterDays;
            settings.LeavePausesDeadlines = command.LeavePausesDeadlines;
            settings.UpdatedAt = now;
            settings.UpdatedBy = actors.Current.UserId;
            await db.SaveChangesAsync(token);
            var queued = reanalyse ? await ConfigureAudit.QueueOpenStaysAsync(db, null, "settings-changed", now, token) : 0;
            var after = $"go-live {settings.GoLive:yyyy-MM-dd}; notices [{string.Join(",", settings.NoticeDaysBefore)}]; escalate {settings.EscalateAfterDays}; suspend {settings.SuspendAfterDays}; leave pauses {settings.LeavePausesDeadlines}";
            await audit.RecordAsync(ConfigureAudit.Of("CompletionSettings", "1", $"settings from {before} to {after}; {queued} stays queued for analysis"), token);
            return Result<bool>.Success(true);
        }, ct);
    }
}
