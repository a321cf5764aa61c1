using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Inbox.StartDraft;

/// <summary>Start writing: the document a deficiency asks for (<paramref name="DeficiencyId"/>), or an addendum to a signed document (<paramref name="AddendumToId"/>).</summary>
public sealed record StartDraftCommand(Guid? DeficiencyId, Guid? AddendumToId);

public sealed class StartDraftValidator : AbstractValidator<StartDraftCommand>
{
    public StartDraftValidator()
    {
        RuleFor(c => c).Must(c => c.DeficiencyId is not null ^ c.AddendumToId is not null)
            .WithMessage("Start a draft from one deficiency or one signed document.");
    }
}

/// <summary>
/// Starts a draft (completion.drafts) the physician then edits and signs: for a missing document, from the stay's data
/// (<see cref="DraftTemplate"/>); for an addendum, empty, naming the signed document it will append to (that document is
/// never changed, 42 CFR 482.24(c)(1)). Reading the stay's data goes through the chart gate (audited). A draft already
/// open for the same deficiency is returned rather than a second one.
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class StartDraftHandler(
    PermissionCheck permissions,
    HimDbContext db,
    ChartGate gate,
    InboxSigning signing,
    AccessAudit audit,
    HospitalTime hospital,
    TimeProvider clock,
    IValidator<StartDraftCommand> validator) : Handler<StartDraftCommand, Result<Guid>>(permissions)
{
    private static readonly ChartSection[] Reads = [ChartSection.Problems, ChartSection.Procedures, ChartSection.Medications, ChartSection.LabResults, ChartSection.NoteText];

    protected override async Task<Result<Guid>> ExecuteAsync(StartDraftCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var userId = signing.UserId;
        var practitioners = signing.Practitioners();
        Guid patientId, encounterId;
        string typeCode, typeDisplay;
        Guid? practitionerId, deficiencyId = null;
        if (command.DeficiencyId is { } id)
        {
            var deficiency = await db.Deficiencies.AsNoTracking()
                .Where(d => d.Id == id && d.Status == DeficiencyStatuses.Open && d.ResponsiblePractitionerId != null && practitioners.Contains(d.ResponsiblePractitionerId.Value))
                .Select(d => new { d.PatientId, d.EncounterId, d.DocumentType, d.Kind, d.ResponsiblePractitionerId, Rule = db.CompletionRules.Where(r => r.Id == d.RuleId).Select(r => r.Name).FirstOrDefault() })
                .SingleOrDefaultAsync(ct);
            if (deficiency is null)
            {
                return Error.NotFound();
            }

            if (deficiency.DocumentType is null || deficiency.Kind is DeficiencyKinds.Signature or DeficiencyKinds.OrderAuthentication)
            {
                return Error.Invalid("This deficiency asks for a signature, not a document: open it and sign.");
            }

            var existing = await db.DocumentDrafts.Where(x => x.DeficiencyId == id && x.AuthorUserId == userId && x.Status == "draft").Select(x => (Guid?)x.Id).FirstOrDefaultAsync(ct);
            if (existing is { } draft)
            {
                return Result<Guid>.Success(draft);
            }

            (patientId, encounterId, typeCode, typeDisplay, practitionerId, deficiencyId) =
                (deficiency.PatientId, deficiency.EncounterId, deficiency.DocumentType, DraftTemplate.DisplayOf(deficiency.DocumentType, deficiency.Rule), deficiency.ResponsiblePractitionerId, id);
        }
        else
        {
            var noteId = command.AddendumToId!.Value;
            var note = await db.Set<ClinicalNote>().AsNoTracking().Where(n => n.Id == noteId).WhereInForce(db)
                .Select(n => new
                {
                    n.PatientId,
                    n.EncounterId,
                    n.TypeCode,
                    n.TypeDisplay,
                    Signed = (n.DocStatus == "final" || n.DocStatus == "amended") && n.AuthenticatorId != null
                             || db.Signatures.Any(s => s.ResourceType == "DocumentReference" && s.ResourceId == n.Id),
                })
                .SingleOrDefaultAsync(ct);
            if (note is null)
            {
                return Error.NotFound();
            }

            if (!note.Signed || note.EncounterId is null)
            {
                return Error.Invalid(note.Signed
                    ? "This document belongs to no stay: an addendum here is written to a stay's document."
                    : "Only a signed document takes an addendum: an unsigned one is signed (or corrected) as it is.");
            }

            practitionerId = await practitioners.OrderBy(p => p).Select(p => (Guid?)p).FirstOrDefaultAsync(ct);
            (patientId, encounterId, typeCode, typeDisplay) = (note.PatientId, note.EncounterId.Value, note.TypeCode ?? "11506-3", "Addendum: " + (note.TypeDisplay ?? "document"));
        }

        if (practitionerId is not { } author)
        {
            return Error.Invalid("Your account is not linked to a practitioner (NPI): ask the administrator to link it before you write.");
        }

        var read = await gate.ReadAsync<object>(patientId, "Encounter", encounterId.ToString("D"), Reads, async (entry, token) =>
        {
            var now = clock.GetUtcNow();
            var text = command.AddendumToId is null
                ? await DraftTemplate.ForStayAsync(db, patientId, encounterId, typeDisplay, at => $"{TimeZoneInfo.ConvertTime(at, hospital.Zone):yyyy-MM-dd HH:mm}", token)
                : "";
            var draft = new DocumentDraft
            {
                Id = Guid.CreateVersion7(now),
                PatientId = patientId,
                EncounterId = encounterId,
                DeficiencyId = deficiencyId,
                AuthorUserId = userId,
                AuthorPractitionerId = author,
                TypeCode = typeCode,
                TypeDisplay = typeDisplay,
                Text = text,
                AddendumToId = command.AddendumToId,
                Status = "draft",
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.DocumentDrafts.Add(draft);
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "Encounter", encounterId.ToString("D"), patientId,
                Purpose: "completion.draft", Details: $"draft={draft.Id:D}; type={typeCode}{(command.AddendumToId is { } to ? $"; addendum to {to:D}" : "")}"), token);
            return ((object?)draft.Id, Reads);
        }, ct);
        return read.Status switch
        {
            ChartReadStatus.Shown => Result<Guid>.Success((Guid)read.Content!),
            ChartReadStatus.NotFound => Result<Guid>.Failure(Error.NotFound()),
            _ => Result<Guid>.Failure(Error.Forbidden("The chart does not open for you: you need a treatment relationship with this patient.")),
        };
    }
}
