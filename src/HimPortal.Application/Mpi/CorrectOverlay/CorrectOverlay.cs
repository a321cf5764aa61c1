using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Clinical.Corrections;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HimPortal.Application.Mpi.CorrectOverlay;

/// <param name="Items">The keys picked on the form (<see cref="OverlayItem.Key"/>): "Encounter:id", "DocumentReference:id", "Observation:id".</param>
/// <param name="ToPatientMrn">The MRN of the record the items belong to.</param>
/// <param name="RecordVersion">The wrong record's version the reviewer saw (<see cref="OverlayView.RecordVersion"/>).</param>
public sealed record CorrectOverlayCommand(Guid FromPatientId, string? ToPatientMrn, IReadOnlyList<string> Items, string? Reason, long RecordVersion) : IPatientRequest
{
    Guid IPatientRequest.PatientId => FromPatientId;
}

public sealed record OverlayCorrected(Guid CorrectionId, Guid FromPatientId, Guid ToPatientId, int Items, Guid? IncidentId, int NoticesSent);

public sealed class CorrectOverlayValidator : AbstractValidator<CorrectOverlayCommand>
{
    private static readonly string[] Types = ["Encounter", "DocumentReference", "Observation"];

    public CorrectOverlayValidator()
    {
        RuleFor(c => c.ToPatientMrn).NotEmpty().WithMessage("Enter the MRN of the record the items belong to.").MaximumLength(64);
        RuleFor(c => c.Items).NotEmpty().WithMessage("Pick the items that are the other person's.");
        RuleForEach(c => c.Items).Must(k => OverlayKeys.TryParse(k, out var item) && Types.Contains(item!.ResourceType))
            .WithMessage("An item picked is not one of this form's.");
        // The reason stays with the correction (ADR 0015): it must say what shows the items are another person's.
        RuleFor(c => c.Reason).Must(r => r?.Trim().Length is >= 10 and <= 1000)
            .WithMessage("Explain the correction in 10 to 1000 characters (it stays with the record).");
    }
}

/// <summary>The form's item keys ("Type:id").</summary>
public static class OverlayKeys
{
    public static bool TryParse(string? key, out RecordItem? item)
    {
        item = null;
        var colon = key?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (key is null || colon < 1 || !Guid.TryParse(key.AsSpan(colon + 1), out var id))
        {
            return false;
        }

        item = new RecordItem(key[..colon], id);
        return true;
    }
}

/// <summary>
/// An overlay corrected (issue 16 item 4: two people in one record), in one transaction: the picked items (an encounter
/// with everything that refers to it) are moved to the right record by the clinical-record writer's correction (marked
/// entered-in-error in the wrong record, copied with provenance under the right one, undoable; ADR 0015), their
/// sensitivity labels go with them, both patients' audit trails get a row, and when the access log shows the wrong
/// record's chart was opened by anyone outside HIM work since the items arrived, a privacy incident is opened for
/// compliance with each view (and a notice to each physician among the viewers), as the misfile correction does.
/// Records.Correct (the handler's permission) on top of the page's Mpi.Review.
/// </summary>
[RequiresPermission(Permissions.RecordsCorrect)]
public sealed class CorrectOverlayHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<CorrectOverlayCommand> validator,
    DisclosureLedger disclosures,
    TimeProvider clock) : Handler<CorrectOverlayCommand, Result<OverlayCorrected>>(permissions)
{
    public const string Source = "MPI overlay review";

    /// <summary>HIM staff's own views of a record are their work on it (indexing, review, correction), not a disclosure.</summary>
    private static readonly string[] HimRoles = [Roles.HimClerk, Roles.HimManager];

    protected override async Task<Result<OverlayCorrected>> ExecuteAsync(CorrectOverlayCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var actor = actors.Current;
        try
        {
            return await db.InTransactionAsync(token => CorrectAsync(command, actor, token), ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Two corrections of one item at once: the index of marks in force lets one in; the other changes nothing.
            return CorrectionErrors.Conflict;
        }
    }

    private async Task<Result<OverlayCorrected>> CorrectAsync(CorrectOverlayCommand command, AuditActor actor, CancellationToken ct)
    {
        var from = command.FromPatientId;
        var mrn = command.ToPatientMrn!.Trim();
        var to = await db.Set<Patient>().Where(p => p.Mrn == mrn).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(ct);
        if (to is not { } toPatient)
        {
            return Error.Invalid("No patient has this MRN.", nameof(CorrectOverlayCommand.ToPatientMrn));
        }

        if (toPatient == from)
        {
            return CorrectionErrors.SamePatient with { Field = nameof(CorrectOverlayCommand.ToPatientMrn) };
        }

        var items = new List<RecordItem>();
        foreach (var key in command.Items.Distinct(StringComparer.Ordinal))
        {
            if (!OverlayKeys.TryParse(key, out var item))
            {
                continue; // the validator refused the request already
            }

            items.AddRange(item!.ResourceType == "Encounter" ? await ClinicalRecordWriter.ItemsOfEncounterAsync(db, from, item.Id, ct) : [item]);
        }

        var reason = command.Reason!.Trim();
        var now = clock.GetUtcNow();
        var written = await ClinicalRecordWriter.CorrectAsync(db, new CorrectionRequest(from, toPatient, [.. items.Distinct()], reason, Source,
            new Corrector(actor.UserId, actor.UserName ?? "unknown"), now, command.RecordVersion), ct);
        if (written.Value is not { } correction)
        {
            // The writer refuses before it writes anything.
            return written.Error!;
        }

        await CorrectionLabels.CarryAsync(db, correction, now, actor.UserId, ct);
        // Items of the other person that went out in a released packet of this record's release request were disclosed
        // without a basis: impermissible disclosures in that person's accounting (45 CFR 164.528(a)(1); issue 17 item 7).
        var released = 0;
        foreach (var type in correction.Items.GroupBy(i => i.ResourceType, StringComparer.Ordinal))
        {
            released += await disclosures.AddReleasedInErrorAsync(toPatient, type.Key, [.. type.Select(i => i.OriginalId)],
                $"{type.Count()} {type.Key} item(s) of this patient's that were in another person's record (an overlay) and released with it",
                DisclosureSources.Overlay, "overlay released in", ct);
        }

        await db.SaveChangesAsync(ct);
        var (incident, notices) = await OpenIncidentAsync(correction, actor, now, ct);
        var details = $"overlay correction={correction.CorrectionId:D}; items={correction.Items.Count}; reason={reason}"
                      + (incident is { } id ? $"; privacy incident {id:D} opened" : "; not viewed outside HIM work")
                      + (released > 0 ? $"; {released} released item group(s): impermissible disclosure recorded" : "");
        await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "Correction", correction.CorrectionId.ToString("D"), from,
            "HOPERAT", $"moved to patient {toPatient:D}; {details}"), ct);
        await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "Correction", correction.CorrectionId.ToString("D"), toPatient,
            "HOPERAT", $"moved from patient {from:D}; {details}"), ct);
        return Result<OverlayCorrected>.Success(new OverlayCorrected(correction.CorrectionId, from, toPatient, correction.Items.Count, incident, notices));
    }

    /// <summary>
    /// The chart views of the wrong record (the gate's view rows: details "sections=…") by anyone outside HIM work since
    /// the first moved item arrived: each showed the other person's information. When there are any, the incident.
    /// </summary>
    private async Task<(Guid? Incident, int Notices)> OpenIncidentAsync(CorrectionWritten correction, AuditActor actor, DateTimeOffset now,
        CancellationToken ct)
    {
        var moved = correction.Items.Select(i => i.OriginalId).ToArray();
        var arrived = await db.Set<Encounter>().Where(e => moved.Contains(e.Id)).Select(e => (DateTimeOffset?)e.ImportedAt)
            .Concat(db.Set<ClinicalNote>().Where(n => moved.Contains(n.Id)).Select(n => (DateTimeOffset?)n.ImportedAt))
            .Concat(db.Set<Observation>().Where(o => moved.Contains(o.Id)).Select(o => (DateTimeOffset?)o.ImportedAt))
            .MinAsync(ct) ?? DateTimeOffset.MinValue;
        var views = (await db.AccessEvents.AsNoTracking()
                .Where(e => e.PatientId == correction.FromPatientId && e.Action == AuditAction.View && e.Outcome == AuditOutcome.Success
                            && e.OccurredAt >= arrived && e.Details != null && e.Details.StartsWith("sections="))
                .OrderBy(e => e.OccurredAt)
                .Select(e => new IncidentAccess(e.Id, e.OccurredAt, e.UserId, e.UserName, e.Roles, e.ResourceType ?? "chart", null, e.Purpose))
                .ToListAsync(ct))
            .Where(v => !v.Roles.Any(r => HimRoles.Contains(r, StringComparer.Ordinal)))
            .ToList();
        if (views.Count == 0)
        {
            return (null, 0);
        }

        var summary = $"An overlay: {correction.Items.Count} item(s) of another person were in this record and its chart was opened {views.Count} time(s) by "
                      + $"{views.Select(v => v.UserId?.ToString() ?? v.UserName).Distinct().Count()} person(s) outside HIM work "
                      + $"({string.Join(", ", views.Select(v => v.Place).Distinct(StringComparer.Ordinal))}) before the items were moved.";
        var (incident, notices) = await PrivacyIncidents.OpenAsync(db, audit,
            new IncidentOpening("overlay", correction.FromPatientId, correction.ToPatientId, null, correction.CorrectionId, summary),
            views, actor.UserId, now, "HOPERAT", $"overlay correction {correction.CorrectionId:D}: wrong record's chart viewed outside HIM work", ct);
        return (incident, notices);
    }
}
