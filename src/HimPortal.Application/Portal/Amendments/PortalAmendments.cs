using System.Globalization;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Amendments;

/// <summary>One item of the record as the patient sees it when asking to amend it.</summary>
/// <param name="RecordId">Which of the person's records holds it (the request is filed against that record).</param>
public sealed record AmendableItem(string ResourceType, Guid ResourceId, Guid RecordId, string Title, DateTimeOffset? Date, string? Text)
{
    /// <summary>The item as the request keeps it: its title and date, as the patient saw them.</summary>
    public string Description(HospitalTime hospital)
    {
        ArgumentNullException.ThrowIfNull(hospital);
        var text = Date is { } at ? $"{Title}, {hospital.Local(at).ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}" : Title;
        return text.Length <= 500 ? text : text[..500];
    }
}

/// <summary>
/// What the portal's amendment handlers share: opening the person's record as the patient (or their representative)
/// through the chart gate, refusing (audited, answered "not found") anything of another person's, and reading an item
/// that may be amended: one of the person's records' own, not under an information-blocking hold, never a psychotherapy
/// note (45 CFR 164.524(a)(1)(i): not in the right of access, so not in the right to amend, 164.526(a)(2)(iii)), and not
/// care a minor consented to alone when a parent asks (164.502(g)(3)).
/// </summary>
public sealed class PortalAmendments(HimDbContext db, ChartGate gate, AccessAudit audit, SensitivityReader sensitivity)
{
    public const string Psychotherapy = "PSYTHPN";
    public const string MinorConsented = "MINORCNS";

    /// <summary>The chart as the portal account may open it, or null (a refusal, audited) when it is not theirs.</summary>
    public async Task<ChartEntry?> OpenAsync(Guid patientId, string what, string? resourceType, Guid? resourceId, CancellationToken ct)
    {
        var entry = await gate.OpenAsync(patientId, AccessIntent.PatientSelf, ct);
        if (entry is null)
        {
            return null;
        }

        if (!entry.Access.IsGranted)
        {
            // Probing another person's ids is what a snooper does: recorded, and answered as if nothing were there.
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Denied, resourceType ?? "AmendmentRequest", resourceId?.ToString("D"),
                patientId, Purpose: entry.Access.Reason, Details: $"portal.{what}; outcome=refused"), ct);
            return null;
        }

        return entry;
    }

    /// <summary>
    /// What the patient's answers to a denial share (a statement of disagreement, the (d)(5)(ii) request): in one
    /// transaction, open the chart as the patient, load the person's request (another person's: audited, not found),
    /// check the version the page read, let <paramref name="change"/> refuse (a conflict message) or change it, then record
    /// the event, bump the record's version (the staff chart marks a disputed item and is cached) and audit the change.
    /// </summary>
    public async Task<Result<uint>> AnswerDenialAsync(Guid patientId, Guid amendmentId, uint version, string what, Guid? userId,
        Func<AmendmentRequest, string?> change, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        const string changed = "This request changed since you opened the page: look at it again.";
        try
        {
            return await db.InTransactionAsync<Result<uint>>(async token =>
            {
                var entry = await OpenAsync(patientId, what, "AmendmentRequest", amendmentId, token);
                if (entry is null)
                {
                    return Error.NotFound();
                }

                var records = entry.Patient.RecordIds;
                var request = await db.AmendmentRequests.SingleOrDefaultAsync(a => a.Id == amendmentId && records.Contains(a.PatientId), token);
                if (request is null)
                {
                    await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Denied, "AmendmentRequest", amendmentId.ToString("D"),
                        entry.Patient.Id, Purpose: "no such request of this person's", Details: $"portal.{what}; outcome=not-found"), token);
                    return Error.NotFound();
                }

                if (request.Version != version)
                {
                    return Error.Conflict(changed);
                }

                if (change(request) is { } refused)
                {
                    return Error.Conflict(refused);
                }

                db.AmendmentEvents.Add(new AmendmentEvent { Id = Guid.CreateVersion7(now), AmendmentId = request.Id, At = now, Kind = what["amendment-".Length..], ByUserId = userId });
                await db.SaveChangesAsync(token);
                await ClinicalRecordWriter.BumpAsync(db, [request.PatientId], token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "AmendmentRequest", request.Id.ToString("D"), request.PatientId,
                    Purpose: entry.Access.PurposeOfUse, Details: $"portal.{what}; item={request.ResourceType}/{request.ResourceId:D}"), token);
                return Result<uint>.Success(request.Version);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Error.Conflict(changed);
        }
    }

    /// <summary>The item, when it is one of the person's records' and may be shown and amended; null otherwise.</summary>
    public async Task<AmendableItem?> ItemAsync(ChartEntry entry, string resourceType, Guid resourceId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!LabelledItems.IsSupported(resourceType) || resourceType == LabelledItems.Patient)
        {
            return null;
        }

        var item = new ItemRef(resourceType, resourceId);
        Guid? owner = null;
        foreach (var record in entry.Patient.RecordIds)
        {
            if (await LabelledItems.BelongsToAsync(db, record, item, ct))
            {
                owner = record;
                break;
            }
        }

        if (owner is not { } recordId
            || await db.InformationBlockingHolds.AnyAsync(h => h.ResourceType == resourceType && h.ResourceId == resourceId && h.LiftedAt == null, ct))
        {
            return null;
        }

        var labels = (await sensitivity.ReadAsync(recordId, [item], includeRemoved: false, ct)).For(item).Select(l => l.LabelCode).ToList();
        if (labels.Contains(Psychotherapy) || (entry.Proxy is { HidesMinorConsentedCare: true } && labels.Contains(MinorConsented)))
        {
            return null;
        }

        return await ReadAsync(resourceType, resourceId, recordId, ct);
    }

    private async Task<AmendableItem?> ReadAsync(string type, Guid id, Guid record, CancellationToken ct)
    {
        var row = type switch
        {
            LabelledItems.Encounter => await db.Set<Encounter>().AsNoTracking().Where(e => e.Id == id)
                .Select(e => new { Title = "Visit: " + (e.TypeDisplay ?? e.ReasonDisplay ?? "visit"), Date = e.PeriodStart, Text = e.ReasonDisplay }).FirstOrDefaultAsync(ct),
            LabelledItems.Condition => await db.Set<Condition>().AsNoTracking().Where(e => e.Id == id)
                .Select(e => new { Title = "Problem: " + (e.Display ?? e.Code), Date = e.OnsetAt ?? e.RecordedAt, Text = (string?)null }).FirstOrDefaultAsync(ct),
            LabelledItems.Observation => await db.Set<Observation>().AsNoTracking().Where(e => e.Id == id)
                .Select(e => new
                {
                    Title = "Result: " + (e.Display ?? e.Code),
                    Date = e.EffectiveAt,
                    Text = (string?)(e.ValueQuantity != null ? e.ValueQuantity.ToString() + " " + (e.ValueUnit ?? "") : e.ValueDisplay ?? e.ValueString),
                }).FirstOrDefaultAsync(ct),
            LabelledItems.DiagnosticReport => await db.Set<DiagnosticReport>().AsNoTracking().Where(e => e.Id == id)
                .Select(e => new { Title = "Report: " + (e.Display ?? e.Code), Date = e.EffectiveAt ?? e.IssuedAt, Text = (string?)null }).FirstOrDefaultAsync(ct),
            LabelledItems.DocumentReference => await db.Set<ClinicalNote>().AsNoTracking().Where(e => e.Id == id)
                .Select(e => new { Title = "Note: " + (e.TypeDisplay ?? "clinical note"), Date = e.Date, e.Text }).FirstOrDefaultAsync(ct),
            LabelledItems.Procedure => await db.Set<Procedure>().AsNoTracking().Where(e => e.Id == id)
                .Select(e => new { Title = "Procedure: " + (e.Display ?? e.Code), Date = e.PerformedStart, Text = (string?)null }).FirstOrDefaultAsync(ct),
            LabelledItems.MedicationRequest => await db.Set<MedicationRequest>().AsNoTracking().Where(e => e.Id == id)
                .Select(e => new { Title = "Medicine: " + (e.MedicationDisplay ?? e.MedicationCode ?? "medicine"), Date = e.AuthoredOn, Text = e.DosageText }).FirstOrDefaultAsync(ct),
            _ => null,
        };
        return row is null ? null : new AmendableItem(type, id, record, row.Title, row.Date, row.Text);
    }
}
