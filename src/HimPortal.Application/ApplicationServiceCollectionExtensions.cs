using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Clocks;
using HimPortal.Application.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HimPortal.Application;

public static class ApplicationServiceCollectionExtensions
{
    /// <summary>
    /// Registers every handler (a sealed class named *Handler with a HandleAsync method) and every validator of this
    /// assembly, scoped. No mediator: pages and commands inject the handler they call (docs/adr/0001).
    /// </summary>
    public static IServiceCollection AddHimPortalApplication(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<ActorScope>();
        services.AddScoped<AccessAudit>();
        services.AddScoped<Access.PermissionCheck>();
        services.AddScoped<AuditAppender>();
        services.TryAddSingleton<Audit.Checkpoints.AuditCheckpointStore>();
        services.AddScoped<Access.Sessions.UserSessions>();
        services.AddScoped<Access.Sessions.SessionStore>();
        services.TryAddSingleton<Access.Sessions.ICurrentSession, Access.Sessions.NoCurrentSession>();
        services.AddScoped<Access.Identity.PasswordResetTokens>();
        services.AddScoped<Access.Identity.AccountPasswords>();
        services.AddSingleton<Common.Mail.MailSender>();
        services.AddScoped<ChartGate>();
        services.AddScoped<Patients.Matching.PatientMatcher>();
        services.AddScoped<Patients.Matching.ArrivalMatching>();
        services.AddScoped<Access.History.AccessHistory>();
        services.TryAddSingleton<Charts.GetChart.ChartContentCache>();
        services.AddSingleton<ICacheCounters>(sp => sp.GetRequiredService<Charts.GetChart.ChartContentCache>());
        services.TryAddSingleton<Common.HospitalTime>();
        services.AddScoped<Compliance.AccessLog.AccessLogReader>();
        services.AddScoped<Compliance.Reviews.ReviewWorkflow>();
        services.AddHimPortalJobQueue();
        services.AddSettings<JobsOptions>(JobsOptions.Section);
        services.AddSettings<Intake.IntakeOptions>(Intake.IntakeOptions.Section);
        services.AddSettings<Documents.DocumentsOptions>(Documents.DocumentsOptions.Section);
        services.AddScoped<Common.Store.IDocumentStore, Common.Store.PostgresDocumentStore>();
        services.TryAddSingleton<Documents.RenderPages.RenderWorker>();
        services.TryAddSingleton<Documents.Ocr.TesseractOcr>();
        services.AddSettings<HospitalOptions>(HospitalOptions.Section);
        services.AddSettings<Accounts.SignInWithProvider.ProviderSignInOptions>(Accounts.SignInWithProvider.ProviderSignInOptions.Section);
        services.AddSettings<AccessOptions>(AccessOptions.Section);
        services.AddSettings<Audit.AuditOptions>(Audit.AuditOptions.Section);
        services.AddSettings<Charts.ChartsOptions>(Charts.ChartsOptions.Section);
        services.AddSettings<Compliance.ComplianceOptions>(Compliance.ComplianceOptions.Section);
        services.AddSettings<Common.Mail.MailOptions>(Common.Mail.MailOptions.Section);
        services.AddSettings<Accounts.AccountsOptions>(Accounts.AccountsOptions.Section);
        services.AddHimPortalIdentityPolicy();
        services.AddScoped<Access.Sensitivity.SensitivityReader>();
        services.AddScoped<Audit.DisclosureLedger>();
        services.AddScoped<Roi.RequestTimeline>();
        services.AddScoped<Roi.RoiLetterStore>();
        services.AddScoped<Roi.ReleaseGate>();
        services.AddScoped<Roi.RequestClock>();
        services.AddScoped<Roi.LogRequest.RequestFieldsWriter>();
        services.AddScoped<Roi.Packets.PacketContent>();
        services.AddScoped<Roi.Packets.PacketWriter>();
        services.AddScoped<Roi.Delivery.PacketRelease>();
        services.AddScoped<Completion.Aging.NoticeLetters>();
        services.TryAddSingleton<Common.Throttles.Throttle>();
        services.AddSettings<Accounts.SignIn.SignInThrottleOptions>(Accounts.SignIn.SignInThrottleOptions.Section);
        services.TryAddSingleton<Accounts.SignIn.SignInThrottles>();
        services.TryAddSingleton<Access.Identity.OneTimeCodes>();
        services.TryAddSingleton<Access.Identity.TotpVerifier>();
        services.AddScoped<Access.Identity.RecoveryCodes>();
        services.TryAddSingleton<Common.Mail.PortalAddress>();
        services.AddScoped<Completion.Inbox.InboxSigning>();
        services.AddScoped<Portal.Amendments.PortalAmendments>();
        services.AddScoped<Portal.Activation.ActivationLetterCheck>();
        services.AddScoped<Completion.Amendments.AmendmentDesk>();
        services.AddSettings<Completion.Amendments.AmendmentOptions>(Completion.Amendments.AmendmentOptions.Section);
        AddRegulatoryClocks(services);

        foreach (var type in typeof(ApplicationServiceCollectionExtensions).Assembly.GetTypes())
        {
            if (!type.IsClass || type.IsAbstract)
            {
                continue;
            }

            if (type.IsSealed && type.Name.EndsWith("Handler", StringComparison.Ordinal) && type.GetMethod("HandleAsync") is not null)
            {
                services.AddScoped(type);
            }

            foreach (var validator in type.GetInterfaces()
                         .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>)))
            {
                services.AddScoped(validator, type);
            }
        }

        return services;
    }

    /// <summary>
    /// The regulatory clocks and their configuration (section Clocks), validated when the host starts: a wrong value stops
    /// the application with its key named rather than computing a wrong legal deadline later.
    /// </summary>
    private static void AddRegulatoryClocks(IServiceCollection services)
    {
        services.AddOptions<ClockOptions>().BindConfiguration(ClockOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClockOptions>, ClockOptionsValidator>());
        services.TryAddSingleton<RegulatoryRuleCatalogue>();
        services.TryAddSingleton(sp => HolidayCalendar.From(sp.GetRequiredService<IOptions<ClockOptions>>().Value.Holidays));
        services.TryAddSingleton<RegulatoryClock>();
    }
}
