using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Authorizations.RecordAuthorization;

/// <summary>
/// The authorization as read from the scanned form. With <paramref name="SupersedesId"/> it is the corrected authorization
/// that replaces a deficient one (which becomes superseded, never edited: ADR 0030).
/// </summary>
/// <param name="RequestVersion">The request's version the specialist saw.</param>
/// <param name="DocumentId">The scanned form (filed to the patient), or null when it has not come in through intake yet.</param>
public sealed record RecordAuthorizationCommand(
    Guid RequestId,
    uint RequestVersion,
    Guid? SupersedesId,
    Guid? DocumentId,
    string? Description,
    string? Discloser,
    string? Recipient,
    string? Purpose,
    DateOnly? ExpiresOn,
    string? ExpirationEvent,
    DateOnly? SignedOn,
    string? RepresentativeName,
    string? RepresentativeAuthority,
    bool CoversPsychotherapyNotes,
    bool CoversPart2,
    bool CoversSudCounselingNotes,
    IReadOnlyList<string> CoversLabels);

public sealed class RecordAuthorizationValidator : AbstractValidator<RecordAuthorizationCommand>
{
    public RecordAuthorizationValidator()
    {
        RuleFor(c => c.Description).MaximumLength(2000);
        RuleFor(c => c.Discloser).MaximumLength(500);
        RuleFor(c => c.Recipient).MaximumLength(500);
        RuleFor(c => c.Purpose).MaximumLength(1000);
        RuleFor(c => c.ExpirationEvent).MaximumLength(500);
        RuleFor(c => c.RepresentativeName).MaximumLength(200);
        RuleFor(c => c.RepresentativeAuthority).MaximumLength(500);
        RuleFor(c => c.CoversLabels).Must(l => l.Count <= 20).WithMessage("At most 20 sensitivity labels.");
        RuleFor(c => c.CoversSudCounselingNotes).Equal(false).When(c => !c.CoversPart2)
            .WithMessage("SUD counselling notes are Part 2 records: tick the Part 2 consent too (42 CFR 2.31(b)).");
    }
}

/// <summary>Records an authorization for a request (unchecked until the element-by-element check) and links it to the request.</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class RecordAuthorizationHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    RequestTimeline timeline,
    IValidator<RecordAuthorizationCommand> validator,
    TimeProvider time) : Handler<RecordAuthorizationCommand, Result<Guid>>(permissions)
{
    protected override Task<Result<Guid>> ExecuteAsync(RecordAuthorizationCommand command, CancellationToken ct) =>
        AuthorizationChange.RunAsync<RecordAuthorizationCommand, Guid>(db, validator, command, command.RequestId, command.RequestVersion, async (request, token) =>
        {
            if (command.DocumentId is { } documentId
                && !await AuthorizationChange.IsPatientsDocumentAsync(db, documentId, request.PatientId, token))
            {
                return Error.Invalid("Pick a scanned document filed to this patient.", nameof(command.DocumentId));
            }

            var labels = command.CoversLabels.Distinct(StringComparer.Ordinal).ToArray();
            if (labels.Length > 0 && await db.SensitivityLabels.CountAsync(l => labels.Contains(l.Code) && l.Active, token) != labels.Length)
            {
                return Error.Invalid("Pick sensitivity labels from the active list.", nameof(command.CoversLabels));
            }

            Authorization? replaced = null;
            if (command.SupersedesId is { } supersedes)
            {
                // A correction replaces the one this request relies on, and only a deficient one (164.508(b)(2)).
                replaced = await db.Authorizations.SingleOrDefaultAsync(a => a.Id == supersedes, token);
                if (replaced is null || request.AuthorizationId != supersedes || replaced.Status != AuthorizationStatuses.Deficient)
                {
                    return Error.Conflict("Only the request's deficient authorization can be corrected.");
                }
            }

            var now = time.GetUtcNow();
            var authorization = new Authorization
            {
                Id = Guid.CreateVersion7(),
                PatientId = request.PatientId,
                DocumentId = command.DocumentId,
                Description = Trim(command.Description),
                Discloser = Trim(command.Discloser),
                Recipient = Trim(command.Recipient),
                Purpose = Trim(command.Purpose),
                ExpiresOn = command.ExpiresOn,
                ExpirationEvent = Trim(command.ExpirationEvent),
                SignedOn = command.SignedOn,
                RepresentativeName = Trim(command.RepresentativeName),
                RepresentativeAuthority = Trim(command.RepresentativeAuthority),
                CoversPsychotherapyNotes = command.CoversPsychotherapyNotes,
                CoversPart2 = command.CoversPart2,
                CoversSudCounselingNotes = command.CoversSudCounselingNotes,
                CoversLabels = labels,
                Status = AuthorizationStatuses.Unchecked,
                SupersedesId = replaced?.Id,
                CreatedAt = now,
                CreatedByUserId = actors.Current.UserId,
            };
            db.Authorizations.Add(authorization);
            if (replaced is not null)
            {
                replaced.Status = AuthorizationStatuses.Superseded;
            }

            // The request relies on the newest form at once; the release gate refuses it until it checks valid.
            request.AuthorizationId = authorization.Id;
            if (command.DocumentId is { } document)
            {
                db.RequestDocuments.Add(new RequestDocument
                {
                    RequestId = request.Id, DocumentId = document, Role = RequestDocumentRoles.Authorization, AttachedAt = now, AttachedByUserId = actors.Current.UserId,
                });
            }

            timeline.Note(request, "authorization-recorded", replaced is null
                ? "Authorization recorded from the form; to be checked element by element (45 CFR 164.508(c))."
                : "Corrected authorization recorded; it supersedes the deficient one and is checked again.");
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(RoiAuthorizationErrors.Audit(request, AuditAction.Create,
                $"authorization {authorization.Id:D} recorded{(replaced is null ? "" : $", supersedes {replaced.Id:D}")}"), token);
            return Result<Guid>.Success(authorization.Id);
        }, ct);

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
