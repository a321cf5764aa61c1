using System.Text.Json;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace HimPortal.Application.Compliance.Monitoring;

/// <param name="Scheduled">True for the background job (no signed-in user); false for a compliance officer's "run now".</param>
/// <param name="Days">For a run on demand: the hospital days to evaluate, ending today (1 to 92).</param>
public sealed record RunMonitoringCommand(bool Scheduled, int Days = 2);

public sealed record MonitoringRunResult(Guid RunId, DateTimeOffset WindowFrom, DateTimeOffset WindowTo, int Raised, int Updated,
    IReadOnlyDictionary<string, int> RaisedByRule, bool Skipped);

/// <summary>
/// Runs every enabled rule over a window of the access log, in one transaction with the run's record and its audit row.
/// The scheduled run picks up where the last one ended, from the start of the hospital day before (so day-based rules
/// always see whole days, and rows committed late by long transactions are still seen); a run on demand takes the last
/// N days. One run at a time (an advisory lock): the schedule skips while another runs, "run now" waits for it.
/// </summary>
[RequiresPermission(Permissions.AuditManageRules)]
public sealed class RunMonitoringHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, HospitalTime hospital, TimeProvider clock) : Handler<RunMonitoringCommand, Result<MonitoringRunResult>>(permissions)
{
    private const int LockKey = 1212763475;

    /// <summary>A first scheduled run ever looks back this far.</summary>
    private const int FirstRunDays = 7;

    protected override async Task<Result<MonitoringRunResult>> ExecuteAsync(RunMonitoringCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var actor = actors.Current;
        // A scheduled run (the window since the last run, skipped when another node is running) is the scheduler's alone.
        if (command.Scheduled && !actor.Roles.Contains(Roles.System))
        {
            return Error.Forbidden("Your role may not run the monitoring rules.");
        }

        if (command.Days is < 1 or > 92)
        {
            return Error.Invalid("Run the rules over 1 to 92 days.", "Days");
        }

        return await db.InTransactionAsync(async token =>
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var transaction = (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
            await using (var locking = new NpgsqlCommand(command.Scheduled ? "SELECT pg_try_advisory_xact_lock(@k, 0)" : "SELECT true FROM pg_advisory_xact_lock(@k, 0)",
                             connection, transaction))
            {
                locking.Parameters.Add(new NpgsqlParameter<int>("k", LockKey));
                if (!(bool)(await locking.ExecuteScalarAsync(token))!)
                {
                    return Result<MonitoringRunResult>.Success(new MonitoringRunResult(Guid.Empty, default, default, 0, 0,
                        new Dictionary<string, int>(), Skipped: true));
                }
            }

            var now = clock.GetUtcNow();
            var today = hospital.DayOf(now);
            DateOnly firstDay;
            if (command.Scheduled)
            {
                var last = await db.MonitoringRuns.AsNoTracking().Where(r => r.Trigger == "schedule")
                    .OrderByDescending(r => r.StartedAt).Select(r => (DateTimeOffset?)r.WindowTo).FirstOrDefaultAsync(token);
                firstDay = last is { } end ? hospital.DayOf(end).AddDays(-1) : today.AddDays(-FirstRunDays);
                firstDay = firstDay < today.AddDays(-91) ? today.AddDays(-91) : firstDay;
            }
            else
            {
                firstDay = today.AddDays(1 - command.Days);
            }

            var from = hospital.StartOf(firstDay);
            var settings = await db.MonitoringRuleSettings.AsNoTracking().ToDictionaryAsync(s => s.RuleCode, token);
            var raisedByRule = new Dictionary<string, int>(StringComparer.Ordinal);
            int raised = 0, updated = 0;
            foreach (var rule in MonitoringRules.All)
            {
                var setting = settings.GetValueOrDefault(rule.Code);
                if (!(setting?.Enabled ?? rule.EnabledByDefault))
                {
                    continue;
                }

                var (inserted, changed) = await RunRuleAsync(connection, transaction, rule, rule.Resolve(setting?.Parameters), from, now, token);
                raisedByRule[rule.Code] = inserted;
                raised += inserted;
                updated += changed;
            }

            var run = new MonitoringRun
            {
                Id = Guid.CreateVersion7(now),
                Trigger = command.Scheduled ? "schedule" : "on-demand",
                RequestedByUserId = actor.UserId,
                StartedAt = now,
                FinishedAt = clock.GetUtcNow(),
                WindowFrom = from,
                WindowTo = now,
                AlertsRaised = raised,
                AlertsUpdated = updated,
                RuleCounts = JsonSerializer.Serialize(raisedByRule),
            };
            db.MonitoringRuns.Add(run);
            await db.SaveChangesAsync(token);
            // The run read the access log and patients' names and addresses: it is audited (counts only), last, so the
            // transaction holds its audit lane only for the insert and the commit.
            await audit.RecordAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "MonitoringRun", run.Id.ToString("D"),
                Details: $"{run.Trigger}; window {from:yyyy-MM-ddTHH:mmZ} to {now:yyyy-MM-ddTHH:mmZ}; {raised} alert(s) raised, {updated} updated",
                Actor: command.Scheduled ? actor with { CorrelationId = run.Id.ToString("N") } : null), token);
            return Result<MonitoringRunResult>.Success(new MonitoringRunResult(run.Id, from, now, raised, updated, raisedByRule, Skipped: false));
        }, ct);
    }

    private async Task<(int Inserted, int Updated)> RunRuleAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, MonitoringRule rule,
        IReadOnlyDictionary<string, object> values, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        // An open alert takes the new evidence; a reviewed one is left as the reviewer saw it. An unchanged candidate
        // does not touch its alert, so a reviewer's open page stays current (its row version does not move).
        var sql = $"""
            WITH {RuleSql.Accesses},
            {rule.CandidatesSql}
            INSERT INTO compliance.alerts AS a (id, rule_code, dedupe_key, user_id, user_name, patient_id, first_event_at, last_event_at,
                event_count, summary, evidence, raised_at, updated_at)
            SELECT compliance.uuid_v7(), @rule, c.dedupe_key, c.user_id, c.user_name, c.patient_id, c.first_at, c.last_at, c.event_count,
                   left(c.summary, 1000), jsonb_build_object('facts', c.facts, 'events', c.events), @now, @now
            FROM candidates c
            ON CONFLICT (dedupe_key) DO UPDATE SET
                first_event_at = least(a.first_event_at, EXCLUDED.first_event_at),
                last_event_at = greatest(a.last_event_at, EXCLUDED.last_event_at),
                event_count = greatest(a.event_count, EXCLUDED.event_count),
                summary = EXCLUDED.summary, evidence = EXCLUDED.evidence, updated_at = EXCLUDED.updated_at
            WHERE a.reviewed_at IS NULL AND EXCLUDED.event_count > a.event_count
            RETURNING (xmax = 0) AS inserted
            """;
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 600 };
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("from", from));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("to", to));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", to));
        command.Parameters.Add(new NpgsqlParameter<string>("tz", hospital.ZoneId));
        command.Parameters.Add(new NpgsqlParameter<string>("rule", rule.Code));
        foreach (var parameter in rule.Parameters)
        {
            command.Parameters.Add(parameter.ToSqlParameter(values[parameter.Name]));
        }

        int inserted = 0, updated = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (reader.GetBoolean(0))
            {
                inserted++;
            }
            else
            {
                updated++;
            }
        }

        return (inserted, updated);
    }
}
