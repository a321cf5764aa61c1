using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Aging.AgeRecords;

/// <summary>Age the incomplete records as of now (the daily job, or the console).</summary>
public sealed record AgeRecordsCommand;

/// <summary>What one run sent: notices by kind, suspensions started and ended.</summary>
public sealed record AgingRun(int Reminders, int Delinquent, int Escalations, int SuspensionsStarted, int SuspensionsEnded);

/// <summary>
/// The daily aging of incomplete records (issue 18 item 4). A record must be complete within the bylaws' days of
/// discharge (42 CFR 482.24(c)(4)(viii); default 30, the stay's DelinquentAt, leave already added by the analysis).
/// For each physician who owes something on an incomplete record: a reminder at each of the settings' days before it
/// becomes delinquent (only the nearest mark crossed: a missed run never sends a stale one), the delinquent notice once
/// it is, and an escalation to their department's chief the settings' days after; a physician with a record delinquent
/// longer than the suspension days goes on the suspension list (482.22(c)(5)'s bylaws enforce completion), and comes off
/// when no delinquent record of theirs remains. Every notice has a unique key, so a run repeated the same day sends
/// nothing new; each is in the app and a PDF letter naming each deficiency, kept in the document store.
/// </summary>
[RequiresPermission(Permissions.CompletionRun)]
public sealed class AgeRecordsHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, NoticeLetters letters, TimeProvider clock)
    : Handler<AgeRecordsCommand, Result<AgingRun>>(permissions)
{
    protected override async Task<Result<AgingRun>> ExecuteAsync(AgeRecordsCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await db.InTransactionAsync(async token =>
        {
            var now = clock.GetUtcNow();
            var settings = await db.CompletionSettings.AsNoTracking().SingleAsync(token);
            var marks = settings.NoticeDaysBefore.Where(d => d > 0).Distinct().OrderBy(d => d).ToArray();
            var horizon = now.AddDays(marks.Length == 0 ? 0 : marks[^1]);
            var owed = await OwedAsync(horizon, token);
            var sent = await db.CompletionNotices.AsNoTracking()
                .Where(n => n.SentAt >= now.AddDays(-400))
                .Select(n => n.Key).ToListAsync(token);
            var keys = new HashSet<string>(sent, StringComparer.Ordinal);
            var chiefs = await db.DepartmentMembers.AsNoTracking()
                .Join(db.Departments.AsNoTracking(), m => m.DepartmentId, d => d.Id, (m, d) => new { m.PractitionerId, d.ChiefPractitionerId })
                .Where(x => x.ChiefPractitionerId != null)
                .ToDictionaryAsync(x => x.PractitionerId, x => x.ChiefPractitionerId!.Value, token);
            int reminders = 0, delinquent = 0, escalations = 0;
            var notices = new List<(CompletionNotice Notice, IReadOnlyList<OwedItem> Items)>();

            foreach (var group in owed.GroupBy(o => (o.EncounterId, o.PractitionerId)))
            {
                var (encounterId, physician) = group.Key;
                var items = group.ToList();
                var due = items[0].DelinquentAt;
                if (now < due)
                {
                    // The nearest mark crossed, e.g. 3 days before when 2.5 days remain.
                    var left = due - now;
                    var mark = marks.FirstOrDefault(d => left <= TimeSpan.FromDays(d));
                    if (mark > 0 && Add(NoticeKinds.Reminder, $"reminder:{mark}:{encounterId:N}:{physician:N}", physician, physician,
                        $"Reminder: a record becomes delinquent in {mark} day(s)", items))
                    {
                        reminders++;
                    }

                    continue;
                }

                if (Add(NoticeKinds.Delinquent, $"delinquent:{encounterId:N}:{physician:N}", physician, physician, "A record of yours is delinquent", items))
                {
                    delinquent++;
                }

                if (now >= due.AddDays(settings.EscalateAfterDays) && chiefs.TryGetValue(physician, out var chief) && chief != physician
                    && Add(NoticeKinds.Escalation, $"escalation:{encounterId:N}:{physician:N}", chief, physician,
                        "Escalation: a delinquent record in your department", items))
                {
                    escalations++;
                }
            }

            var (started, ended) = await SuspendAsync(owed, settings.SuspendAfterDays, now, notices, keys, token);
            foreach (var (notice, items) in notices)
            {
                await letters.AttachAsync(notice, items, token);
                db.CompletionNotices.Add(notice);
            }

            await db.SaveChangesAsync(token);
            foreach (var (notice, items) in notices)
            {
                // One row per notice: the letter names these records, so its sending is a disclosure-free use for operations.
                foreach (var stay in items.DistinctBy(i => i.EncounterId))
                {
                    await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "Encounter", stay.EncounterId.ToString("D"), stay.PatientId,
                        Details: $"completion.notice {notice.Kind}; notice {notice.Id:D}; {items.Count(i => i.EncounterId == stay.EncounterId)} deficiency(ies)"), token);
                }
            }

            return Result<AgingRun>.Success(new AgingRun(reminders, delinquent, escalations, started, ended));

            bool Add(string kind, string key, Guid to, Guid about, string subject, IReadOnlyList<OwedItem> items)
            {
                if (!keys.Add(key))
                {
                    return false;
                }

                notices.Add((new CompletionNotice
                {
                    Id = Guid.CreateVersion7(),
                    PractitionerId = to,
                    AboutPractitionerId = about,
                    Kind = kind,
                    Key = key,
                    SentAt = now,
                    Subject = subject,
                    DeficiencyIds = [.. items.Select(i => i.DeficiencyId)],
                }, items));
                return true;
            }
        }, ct);
    }

    /// <summary>
    /// Start a suspension for a physician with a record delinquent longer than the bylaws' days and none in force; end the
    /// one in force of a physician with no delinquent record left.
    /// </summary>
    private async Task<(int Started, int Ended)> SuspendAsync(IReadOnlyList<OwedItem> owed, int suspendAfterDays, DateTimeOffset now,
        List<(CompletionNotice, IReadOnlyList<OwedItem>)> notices, HashSet<string> keys, CancellationToken ct)
    {
        var inForce = await db.Suspensions.Where(s => s.EndedAt == null).ToListAsync(ct);
        var delinquentBy = owed.Where(o => o.DelinquentAt <= now).GroupBy(o => o.PractitionerId).ToDictionary(g => g.Key, g => g.ToList());
        var ended = 0;
        foreach (var suspension in inForce.Where(s => !delinquentBy.ContainsKey(s.PractitionerId)))
        {
            suspension.EndedAt = now;
            ended++;
        }

        var started = 0;
        foreach (var (physician, items) in delinquentBy)
        {
            if (inForce.Any(s => s.PractitionerId == physician) || !items.Any(i => i.DelinquentAt.AddDays(suspendAfterDays) < now))
            {
                continue;
            }

            var records = items.Select(i => i.EncounterId).Distinct().Count();
            var suspension = new Suspension
            {
                Id = Guid.CreateVersion7(),
                PractitionerId = physician,
                StartedAt = now,
                Reason = $"{records} delinquent record(s), one delinquent for more than {suspendAfterDays} day(s) (medical staff bylaws)",
                DelinquentRecordsAtStart = records,
            };
            db.Suspensions.Add(suspension);
            var key = $"suspension:{suspension.Id:N}";
            keys.Add(key);
            notices.Add((new CompletionNotice
            {
                Id = Guid.CreateVersion7(),
                PractitionerId = physician,
                AboutPractitionerId = physician,
                Kind = NoticeKinds.Suspension,
                Key = key,
                SentAt = now,
                Subject = "Your privileges are suspended for delinquent records",
                DeficiencyIds = [.. items.Select(i => i.DeficiencyId)],
            }, items));
            started++;
        }

        return (started, ended);
    }

    /// <summary>
    /// Every open deficiency a physician owes on an incomplete record that is delinquent or within the notice horizon,
    /// with what a letter names (MRN, stay dates, rule, due): one statement on ix_stays_open_delinquent_at.
    /// </summary>
    private Task<List<OwedItem>> OwedAsync(DateTimeOffset horizon, CancellationToken ct) =>
        (from s in db.Stays.AsNoTracking()
         where s.Status != StayStatuses.Complete && s.DelinquentAt <= horizon
         join d in db.Deficiencies.AsNoTracking() on s.EncounterId equals d.EncounterId
         where d.Status == DeficiencyStatuses.Open && d.ResponsiblePractitionerId != null
         join p in db.Set<Patient>().AsNoTracking() on s.PatientId equals p.Id
         orderby s.DelinquentAt, s.EncounterId, d.DueAt, d.Id
         select new OwedItem(d.Id, s.EncounterId, s.PatientId, d.ResponsiblePractitionerId!.Value, p.Mrn, s.AdmittedAt, s.DischargedAt,
             s.DelinquentAt, d.Description, db.CompletionRules.Where(r => r.Id == d.RuleId).Select(r => r.Name).FirstOrDefault(), d.DueAt))
        .ToListAsync(ct);
}

/// <summary>One deficiency a notice names.</summary>
public sealed record OwedItem(Guid DeficiencyId, Guid EncounterId, Guid PatientId, Guid PractitionerId, string? Mrn, DateTimeOffset? AdmittedAt,
    DateTimeOffset DischargedAt, DateTimeOffset DelinquentAt, string Description, string? RuleName, DateTimeOffset DueAt);

/// <summary>The daily aging (Jobs:Schedules:completion-aging), as the scheduler.</summary>
[JobKind(JobKind)]
public sealed class AgeRecordsJob(AgeRecordsHandler aging) : IJobWork
{
    public const string JobKind = "completion.age-records";

    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var result = await aging.HandleAsync(new AgeRecordsCommand(), ct);
        if (result.Error is { } refused)
        {
            job.FailureMessage = refused.Message;
            return JobOutcome.Failed;
        }

        var run = result.Value!;
        job.Result = new { run.Reminders, run.Delinquent, run.Escalations, run.SuspensionsStarted, run.SuspensionsEnded };
        return JobOutcome.Succeeded;
    }
}
