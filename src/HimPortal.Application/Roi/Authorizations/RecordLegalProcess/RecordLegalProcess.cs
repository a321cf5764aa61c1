using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Authorizations.RecordLegalProcess;

/// <summary>The satisfactory assurances a subpoena needs before anything is released (45 CFR 164.512(e)(1)(ii)). Stored as the text's prefix.</summary>
public static class AssuranceKinds
{
    /// <summary>The party made a good-faith attempt to notify the individual, and the time to object passed with no objection or with objections resolved (164.512(e)(1)(ii)(A), (iii)).</summary>
    public const string NoticeToIndividual = "notice-to-individual";

    /// <summary>A qualified protective order was sought or obtained (164.512(e)(1)(ii)(B), (iv), (v)).</summary>
    public const string QualifiedProtectiveOrder = "qualified-protective-order";

    public static readonly IReadOnlyList<(string Code, string Title)> All =
    [
        (NoticeToIndividual, "Written statement and documents: the individual was given notice with time to object, and no objection is pending (45 CFR 164.512(e)(1)(iii))"),
        (QualifiedProtectiveOrder, "Written statement and documents: a qualified protective order was agreed or sought from the court (45 CFR 164.512(e)(1)(iv), (v))"),
    ];

    public static string? Title(string code) => All.FirstOrDefault(a => a.Code == code).Title;
}

/// <param name="AssuranceKind">A subpoena's satisfactory assurances (<see cref="AssuranceKinds"/>), or null when none came yet.</param>
/// <param name="DocumentId">The order, subpoena or assurances as scanned, with <paramref name="DocumentRole"/>.</param>
public sealed record RecordLegalProcessCommand(
    Guid RequestId,
    uint RequestVersion,
    DateOnly? ReturnDate,
    bool CertificationRequested,
    string? LegalObjections,
    bool QuashMotionPending,
    string? AssuranceKind,
    string? AssuranceNote,
    bool Part2CourtOrder,
    IReadOnlyList<string> OrderCoversLabels,
    Guid? DocumentId,
    string? DocumentRole);

public sealed class RecordLegalProcessValidator : AbstractValidator<RecordLegalProcessCommand>
{
    public RecordLegalProcessValidator()
    {
        RuleFor(c => c.LegalObjections).MaximumLength(2000);
        RuleFor(c => c.AssuranceNote).MaximumLength(1000);
        RuleFor(c => c.AssuranceKind).Must(k => k is null || AssuranceKinds.Title(k) is not null).WithMessage("Pick what the assurances were.");
        RuleFor(c => c.AssuranceNote).NotEmpty().When(c => c.AssuranceKind is not null)
            .WithMessage("Describe the assurances received (the written statement and what documents it came with).");
        RuleFor(c => c.DocumentRole).Must(r => r is RequestDocumentRoles.CourtOrder or RequestDocumentRoles.Subpoena or RequestDocumentRoles.Assurances)
            .When(c => c.DocumentId is not null).WithMessage("Say whether the document is the court order, the subpoena or the assurances.");
        RuleFor(c => c.OrderCoversLabels).Must(l => l.Count <= 20).WithMessage("At most 20 sensitivity labels.");
    }
}

/// <summary>
/// The legal-process panel of a court order or subpoena (45 CFR 164.512(e)): the return date, a certification asked
/// for, objections and a pending motion to quash (which stops the release), a subpoena's satisfactory assurances, and
/// for an order a Part 2 court order (42 CFR 2.64) and the sensitive categories it expressly names. A subpoena alone never
/// releases Part 2 records, so only an order can carry the Part 2 flag.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class RecordLegalProcessHandler(
    PermissionCheck permissions,
    HimDbContext db,
    RequestClock clock,
    AccessAudit audit,
    IAuditActorAccessor actors,
    RequestTimeline timeline,
    IValidator<RecordLegalProcessCommand> validator,
    TimeProvider time) : Handler<RecordLegalProcessCommand, Result<bool>>(permissions)
{
    protected override Task<Result<bool>> ExecuteAsync(RecordLegalProcessCommand command, CancellationToken ct) =>
        AuthorizationChange.RunAsync<RecordLegalProcessCommand, bool>(db, validator, command, command.RequestId, command.RequestVersion, async (request, token) =>
        {
            var problems = new List<FieldError>();
            if (!RequesterRules.For(request.RequesterType).LegalProcess)
            {
                problems.Add(new("", "Only a court order or subpoena has a legal-process panel."));
            }

            var subpoena = request.RequesterType == RequesterTypes.Subpoena;
            if (!subpoena && command.AssuranceKind is not null)
            {
                problems.Add(new(nameof(command.AssuranceKind), "Satisfactory assurances are for a subpoena without a court order (45 CFR 164.512(e)(1)(ii))."));
            }

            if (subpoena && command.Part2CourtOrder)
            {
                problems.Add(new(nameof(command.Part2CourtOrder), "A subpoena alone never releases Part 2 records: it takes a court order under 42 CFR 2.64."));
            }

            if (subpoena && command.OrderCoversLabels.Count > 0)
            {
                problems.Add(new(nameof(command.OrderCoversLabels), "Only a court order expressly covers sensitive categories."));
            }

            var labels = command.OrderCoversLabels.Distinct(StringComparer.Ordinal).ToArray();
            if (labels.Length > 0 && await db.SensitivityLabels.CountAsync(l => labels.Contains(l.Code) && l.Active, token) != labels.Length)
            {
                problems.Add(new(nameof(command.OrderCoversLabels), "Pick sensitivity labels from the active list."));
            }

            if (command.DocumentId is { } documentId
                && !await AuthorizationChange.IsPatientsDocumentAsync(db, documentId, request.PatientId, token))
            {
                problems.Add(new(nameof(command.DocumentId), "Pick a scanned document filed to this patient."));
            }

            if (problems.Count > 0)
            {
                return Error.Invalid(problems);
            }

            var quashBefore = request.QuashMotionPending;
            request.ReturnDate = command.ReturnDate;
            request.CertificationRequested = command.CertificationRequested;
            request.LegalObjections = string.IsNullOrWhiteSpace(command.LegalObjections) ? null : command.LegalObjections.Trim();
            request.QuashMotionPending = command.QuashMotionPending;
            request.SatisfactoryAssurances = command.AssuranceKind is null ? null : $"{command.AssuranceKind}: {command.AssuranceNote!.Trim()}";
            request.Part2CourtOrder = command.Part2CourtOrder;
            request.OrderCoversLabels = labels;
            // The return date sets a legal-process request's deadline (RequestClock's ReturnDate rule).
            await clock.ApplyAsync(request, token);
            if (command.DocumentId is { } document)
            {
                db.RequestDocuments.Add(new RequestDocument
                {
                    RequestId = request.Id, DocumentId = document, Role = command.DocumentRole!, AttachedAt = time.GetUtcNow(), AttachedByUserId = actors.Current.UserId,
                });
            }

            var note = $"Legal process recorded: return date {command.ReturnDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "none"}; " +
                       $"certification {(command.CertificationRequested ? "requested" : "not requested")}; " +
                       (subpoena ? $"assurances {(command.AssuranceKind ?? "not received")}; " : $"Part 2 order {(command.Part2CourtOrder ? "yes" : "no")}; ") +
                       (command.QuashMotionPending ? "a motion to quash is pending (release stopped)." : quashBefore ? "the motion to quash is resolved." : "no motion to quash pending.");
            timeline.Note(request, "legal-process", note);
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(RoiAuthorizationErrors.Audit(request, AuditAction.Update,
                $"legal process recorded; quash pending={command.QuashMotionPending}; assurances={command.AssuranceKind ?? "none"}; part2 order={command.Part2CourtOrder}"), token);
            return Result<bool>.Success(true);
        }, ct);
}
