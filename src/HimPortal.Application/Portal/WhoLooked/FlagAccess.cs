using System.Text.Json;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.WhoLooked;

public sealed record FlagAccessCommand(Guid PatientId, Guid EventId, string? Comment) : IPatientRequest;

/// <param name="AlreadyFlagged">This account had flagged the access before: nothing new was opened.</param>
public sealed record AccessFlagged(Guid AlertId, bool AlreadyFlagged);

public sealed class FlagAccessValidator : AbstractValidator<FlagAccessCommand>
{
    public FlagAccessValidator()
    {
        RuleFor(c => c.EventId).NotEmpty().WithMessage("Choose the access you do not recognise.");
        RuleFor(c => c.Comment).MaximumLength(1000).WithMessage("Keep the comment under 1,000 characters.");
    }
}

/// <summary>
/// The patient flags an access they do not recognise (issue 19 item 7): an <see cref="AccessFlag"/> and a privacy alert in
/// compliance's queue (rule <see cref="AccessFlag.AlertRuleCode"/>, one per audit row), in one transaction, so a possible
/// impermissible use is looked into (45 CFR 164.530(f), mitigation; 164.402, breach assessment). Flagging the same access
/// again opens nothing new; a second account (the patient and their representative) joins the existing alert. Only an
/// access the list shows can be flagged: another person's audit row is not found, and the attempt audited.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class FlagAccessHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate, AccessAudit audit, IAuditActorAccessor actors,
    TimeProvider time, IValidator<FlagAccessCommand> validator) : Handler<FlagAccessCommand, Result<AccessFlagged>>(permissions)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task<Result<AccessFlagged>> ExecuteAsync(FlagAccessCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync(token => FlagAsync(command, token), ct);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // Two flags of the same access at once: the other one opened (or joined) the alert; this one adds nothing.
            return await db.InTransactionAsync(token => FlagAsync(command, token), ct);
        }
    }

    private async Task<Result<AccessFlagged>> FlagAsync(FlagAccessCommand command, CancellationToken ct)
    {
        var entry = await PortalDoor.OpenAsync(gate, audit, command.PatientId, AuditAction.Create, "AccessFlag", command.EventId.ToString("D"), "access.flag", ct);
        if (entry is null)
        {
            return Error.NotFound("There is no such record.");
        }

        var access = await WhoLooked.Of(db, entry.Patient.RecordIds).AsNoTracking().SingleOrDefaultAsync(e => e.Id == command.EventId, ct);
        if (access is null)
        {
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Denied, "AccessFlag", command.EventId.ToString("D"), entry.Patient.Id,
                Purpose: "not an access to this person's chart", Details: "portal.access.flag; outcome=not-found"), ct);
            return Error.NotFound("There is no such access in your chart's history.");
        }

        var userId = actors.Current.UserId ?? throw new InvalidOperationException("A portal flag needs a signed-in account.");
        var existing = await db.AccessFlags.AsNoTracking().SingleOrDefaultAsync(f => f.AuditEventId == access.Id && f.FlaggedByUserId == userId, ct);
        if (existing is not null)
        {
            return Result<AccessFlagged>.Success(new AccessFlagged(existing.PrivacyAlertId, true));
        }

        var now = time.GetUtcNow();
        var comment = string.IsNullOrWhiteSpace(command.Comment) ? null : command.Comment.Trim();
        var dedupe = $"{AccessFlag.AlertRuleCode}:{access.Id:D}";
        var alert = await db.PrivacyAlerts.SingleOrDefaultAsync(a => a.DedupeKey == dedupe, ct);
        var by = entry.Proxy is null ? "the patient" : $"the patient's personal representative ({entry.Proxy.Relationship})";
        if (alert is null)
        {
            alert = new PrivacyAlert
            {
                Id = Guid.CreateVersion7(),
                RuleCode = AccessFlag.AlertRuleCode,
                DedupeKey = dedupe,
                UserId = access.UserId,
                UserName = access.UserName,
                PatientId = access.PatientId,
                FirstEventAt = access.OccurredAt,
                LastEventAt = access.OccurredAt,
                EventCount = 1,
                // No patient names in the summary: the alert page shows the patient from its id, to reviewers only.
                Summary = $"Flagged by {by} in the portal as not recognised: {access.Action} by {access.UserName ?? "an account"} at {access.OccurredAt:yyyy-MM-dd HH:mm} UTC.",
                Evidence = Evidence(access, by, comment),
                RaisedAt = now,
                UpdatedAt = now,
            };
            db.PrivacyAlerts.Add(alert);
        }
        else
        {
            alert.UpdatedAt = now;
        }

        db.AccessFlags.Add(new AccessFlag
        {
            Id = Guid.CreateVersion7(),
            AuditEventId = access.Id,
            PatientId = entry.Patient.Id,
            FlaggedByUserId = userId,
            FlaggedAt = now,
            Comment = comment,
            PrivacyAlertId = alert.Id,
        });
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "AccessFlag", access.Id.ToString("D"), entry.Patient.Id, "PATRQT",
            $"portal.access.flag; privacy alert {alert.Id:D}; {PortalDoor.Reader(entry)}"), ct);
        return Result<AccessFlagged>.Success(new AccessFlagged(alert.Id, false));
    }

    private static string Evidence(Data.Audit.AccessEvent access, string by, string? comment) =>
        JsonSerializer.Serialize(new
        {
            facts = new Dictionary<string, string?> { ["flagged by"] = by, ["comment"] = comment ?? "(none)" },
            events = new[]
            {
                new
                {
                    id = access.Id, at = access.OccurredAt, action = access.Action, outcome = access.Outcome, resource = access.ResourceType,
                    resourceId = access.ResourceId, purpose = access.Purpose, details = access.Details,
                },
            },
        }, Json);
}
