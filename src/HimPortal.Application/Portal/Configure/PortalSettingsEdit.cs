using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Configure;

public sealed record GetPortalSettingsQuery;

/// <summary>Every field of PortalSettings, and the version the edit is checked against.</summary>
public sealed record PortalSettingsView(
    int ActivationCodeDays,
    int ActivationMaxAttempts,
    string SecondFactor,
    bool ShowStaffNames,
    int ProxyEndsAtAge,
    bool HideMinorConsentedCareFromProxy,
    int AmendmentDueDays,
    int AmendmentExtensionDays,
    DateTimeOffset UpdatedAt,
    uint Version);

public sealed record SavePortalSettingsCommand(
    int ActivationCodeDays,
    int ActivationMaxAttempts,
    string SecondFactor,
    bool ShowStaffNames,
    int ProxyEndsAtAge,
    bool HideMinorConsentedCareFromProxy,
    int AmendmentDueDays,
    int AmendmentExtensionDays,
    uint Version);

/// <summary>The ranges the database's check constraint holds, in words.</summary>
public sealed class SavePortalSettingsValidator : AbstractValidator<SavePortalSettingsCommand>
{
    public SavePortalSettingsValidator()
    {
        RuleFor(c => c.ActivationCodeDays).InclusiveBetween(1, 365).WithMessage("An activation code lasts from 1 to 365 days.");
        RuleFor(c => c.ActivationMaxAttempts).InclusiveBetween(1, 20).WithMessage("Allow from 1 to 20 wrong tries before a code locks.");
        RuleFor(c => c.SecondFactor).Must(s => SecondFactorPolicies.All.Contains(s)).WithMessage("Choose whether the second factor is required or optional.");
        RuleFor(c => c.ProxyEndsAtAge).InclusiveBetween(12, 21).WithMessage("A parent's access ends at an age from 12 to 21.");
        // 45 CFR 164.526(b)(2): at most 60 days to act on a request for amendment, and one extension of at most 30.
        RuleFor(c => c.AmendmentDueDays).InclusiveBetween(1, 60).WithMessage("Corrections are answered within 1 to 60 days (45 CFR 164.526(b)(2) allows 60 at most).");
        RuleFor(c => c.AmendmentExtensionDays).InclusiveBetween(0, 30).WithMessage("The one extension is from 0 to 30 days (45 CFR 164.526(b)(2)).");
    }
}

/// <summary>The portal's settings as they are now (HIM manager).</summary>
[RequiresPermission(Permissions.PortalConfigure)]
public sealed class GetPortalSettingsHandler(PermissionCheck permissions, HimDbContext db)
    : Handler<GetPortalSettingsQuery, Result<PortalSettingsView>>(permissions)
{
    protected override async Task<Result<PortalSettingsView>> ExecuteAsync(GetPortalSettingsQuery query, CancellationToken ct) =>
        Result<PortalSettingsView>.Success(PortalSettingsViews.Of(await db.PortalSettings.AsNoTracking().SingleAsync(ct)));
}

/// <summary>Saves every field at once, against the version shown (another manager's change is not overwritten); audited with the new values.</summary>
[RequiresPermission(Permissions.PortalConfigure)]
public sealed class SavePortalSettingsHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<SavePortalSettingsCommand> validator,
    TimeProvider clock) : Handler<SavePortalSettingsCommand, Result<PortalSettingsView>>(permissions)
{
    protected override async Task<Result<PortalSettingsView>> ExecuteAsync(SavePortalSettingsCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<PortalSettingsView>>(async token =>
        {
            var settings = await db.PortalSettings.SingleAsync(token);
            if (settings.Version != command.Version)
            {
                return Error.Conflict("Someone changed the portal settings after you opened them. Look at their values and save again.");
            }

            settings.ActivationCodeDays = command.ActivationCodeDays;
            settings.ActivationMaxAttempts = command.ActivationMaxAttempts;
            settings.SecondFactor = command.SecondFactor;
            settings.ShowStaffNames = command.ShowStaffNames;
            settings.ProxyEndsAtAge = command.ProxyEndsAtAge;
            settings.HideMinorConsentedCareFromProxy = command.HideMinorConsentedCareFromProxy;
            settings.AmendmentDueDays = command.AmendmentDueDays;
            settings.AmendmentExtensionDays = command.AmendmentExtensionDays;
            settings.UpdatedAt = clock.GetUtcNow();
            settings.UpdatedByUserId = actors.Current.UserId;
            db.Entry(settings).Property(s => s.Version).OriginalValue = command.Version;
            try
            {
                await db.SaveChangesAsync(token);
            }
            catch (DbUpdateConcurrencyException)
            {
                return Error.Conflict("Someone changed the portal settings after you opened them. Look at their values and save again.");
            }

            await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "PortalSettings", "1",
                Details: $"portal.settings; activation-code-days={settings.ActivationCodeDays}; activation-max-attempts={settings.ActivationMaxAttempts}; "
                         + $"second-factor={settings.SecondFactor}; show-staff-names={settings.ShowStaffNames}; proxy-ends-at-age={settings.ProxyEndsAtAge}; "
                         + $"hide-minor-consented-care={settings.HideMinorConsentedCareFromProxy}; amendment-due-days={settings.AmendmentDueDays}; "
                         + $"amendment-extension-days={settings.AmendmentExtensionDays}"), token);
            return Result<PortalSettingsView>.Success(PortalSettingsViews.Of(settings));
        }, ct);
    }
}

internal static class PortalSettingsViews
{
    public static PortalSettingsView Of(PortalSettings s) => new(s.ActivationCodeDays, s.ActivationMaxAttempts, s.SecondFactor, s.ShowStaffNames,
        s.ProxyEndsAtAge, s.HideMinorConsentedCareFromProxy, s.AmendmentDueDays, s.AmendmentExtensionDays, s.UpdatedAt, s.Version);
}
