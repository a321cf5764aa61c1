using HimPortal.Data;
using HimPortal.Data.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace HimPortal.Application.Jobs;

public static class JobsSetup
{
    /// <summary>Where every schedule's series of fires starts (UTC): fires fall at whole multiples of the interval after it.</summary>
    public static readonly DateTimeOffset ScheduleAnchor = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first multiple of <paramref name="every"/> since <see cref="ScheduleAnchor"/> after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextOnGrid(DateTimeOffset now, TimeSpan every)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(every, TimeSpan.Zero);
        var steps = (now - ScheduleAnchor).Ticks / every.Ticks + 1;
        return ScheduleAnchor + TimeSpan.FromTicks(steps * every.Ticks);
    }

    /// <summary>The queue itself and every kind of job's work: any host may enqueue (pages, the console, tests).</summary>
    public static IServiceCollection AddHimPortalJobQueue(this IServiceCollection services)
    {
        services.TryAddSingleton<JobSignal>();
        services.AddScoped<JobQueue>();
        foreach (var work in JobKinds.WorkTypes)
        {
            services.AddScoped(work);
        }

        return services;
    }

    /// <summary>
    /// The runner of queued jobs and, unless switched off, the clustered schedules: for the staff web host only (the
    /// internet-facing portal host never runs jobs: it sets Jobs:RunWorkers and Jobs:RunSchedules to false, or does not
    /// call this).
    /// </summary>
    public static IServiceCollection AddHimPortalJobRunner(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        if (settings.RunWorkers)
        {
            services.AddSingleton<JobRunner>();
            services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
        }

        if (!settings.RunSchedules)
        {
            return services;
        }

        services.AddQuartz("himportal", quartz =>
        {
            quartz.ConfigureScheduler(scheduler => scheduler.GenerateInstanceId = true);
            // Schedules keep the wall clock, whatever clock the application is given (tests move theirs by hand).
            quartz.UseTimeProvider(TimeProvider.System);
            // A node that starts while others run replaces the schedule's trigger (configuration may have changed); the series
            // stays on the anchor's grid. Scheduling "relative to the replaced trigger" shifted the series to the moment of
            // replacement: two nodes starting together fired twice, 0.3 s apart (JobScheduleTests).
            quartz.ConfigureOptions<QuartzOptions>(options =>
            {
                options.Scheduling.OverwriteExistingData = true;
                options.Scheduling.ScheduleTriggerRelativeToReplacedTrigger = false;
            });
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(source => source.ConnectionStringName = DataServiceCollectionExtensions.ConnectionName);
                store.ConfigureStore(ado =>
                {
                    ado.TablePrefix = QuartzSchema.TablePrefix;
                    // Classic clustered firing: a node acquires and fires triggers under the store's row lock (the
                    // conservative choice over Quartz 4.6's newer lock-free firing rounds; a handful of schedules needs no more).
                    ado.AcquireTriggersWithinLock = true;
                    ado.LockFreeFiringRounds = false;
                    // Strings only in the store's job data: a schedule carries its job kind, nothing else.
                    ado.StoreJobDataAsStrings = true;
                });
                store.UseClustering(_ => { });
            });
            foreach (var (name, schedule) in settings.Schedules.Where(s => s.Value.Enabled))
            {
                var key = new JobKey(name, "himportal");
                quartz.AddJob<EnqueueOnSchedule>(job => job.WithIdentity(key).UsingJobData(EnqueueOnSchedule.KindKey, schedule.Kind).StoreDurably());
                // Every node registers the trigger starting at the next multiple of the interval since the anchor, not at its
                // own start-up, and a node that starts later replaces the stored trigger with its own: the cluster keeps one
                // series of fires (JobScheduleTests; Quartz may still shift the series by a fraction of a second).
                quartz.AddTrigger(trigger => trigger.ForJob(key).WithIdentity(name, "himportal")
                    .StartAt(NextOnGrid(DateTimeOffset.UtcNow, schedule.Every))
                    .WithSimpleSchedule(s => s.WithInterval(schedule.Every).RepeatForever()
                        .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            }
        });
        services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = true);
        return services;
    }
}
