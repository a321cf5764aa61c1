using System.Globalization;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Letters;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Authorizations.CheckAuthorization;

/// <summary>What the specialist found for one element on the scanned form.</summary>
public sealed record ElementAnswer(string State, string? Note);

/// <param name="Answers">By element code (<see cref="AuthorizationElements"/>); an element left out counts as not checked.</param>
public sealed record CheckAuthorizationCommand(Guid RequestId, uint RequestVersion, Guid AuthorizationId, uint AuthorizationVersion, IReadOnlyDictionary<string, ElementAnswer> Answers);

/// <summary>The outcome: valid, or deficient with each failing element and the deficiency letter written.</summary>
public sealed record AuthorizationCheckOutcome(string Status, IReadOnlyList<string> Failures, Guid? LetterId);

public sealed class CheckAuthorizationValidator : AbstractValidator<CheckAuthorizationCommand>
{
    public CheckAuthorizationValidator()
    {
        RuleForEach(c => c.Answers).Must(a => AuthorizationElements.IsKnown(a.Key)).WithMessage("An answer names an element HimPortal does not know.");
        RuleForEach(c => c.Answers).Must(a => ElementStates.All.Contains(a.Value.State))
            .WithMessage("Answer each element confirmed, missing or not applicable.");
        RuleForEach(c => c.Answers).Must(a => (a.Value.Note ?? "").Length <= 500).WithMessage("Keep each note under 500 characters.");
    }
}

/// <summary>
/// The element-by-element check of an authorization (45 CFR 164.508(b)(2), (c)): the specialist's findings against the
/// scanned form plus what HimPortal sees itself. Valid moves the request on to processing; deficient writes the
/// deficiency letter listing each missing element with its citation and puts the request on hold waiting for a corrected
/// authorization.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class CheckAuthorizationHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    RequestTimeline timeline,
    RoiLetterStore letters,
    HospitalTime hospital,
    IValidator<CheckAuthorizationCommand> validator,
    TimeProvider time) : Handler<CheckAuthorizationCommand, Result<AuthorizationCheckOutcome>>(permissions)
{
    protected override Task<Result<AuthorizationCheckOutcome>> ExecuteAsync(CheckAuthorizationCommand command, CancellationToken ct) =>
        AuthorizationChange.RunAsync<CheckAuthorizationCommand, AuthorizationCheckOutcome>(db, validator, command, command.RequestId, command.RequestVersion, async (request, token) =>
        {
            if (request.AuthorizationId != command.AuthorizationId)
            {
                return RoiAuthorizationErrors.NotFound;
            }

            var authorization = await db.Authorizations.SingleAsync(a => a.Id == command.AuthorizationId, token);
            if (authorization.Status is AuthorizationStatuses.Revoked or AuthorizationStatuses.Superseded)
            {
                return Error.Conflict($"The authorization is {authorization.Status}; record a new one instead.");
            }

            db.Entry(authorization).Property(a => a.Version).OriginalValue = command.AuthorizationVersion;

            var now = time.GetUtcNow();
            var today = hospital.DayOf(now);
            var automatic = AuthorizationElements.AutomaticDefects(authorization, today, await AuthorizationChange.PatientDiedOnAsync(db, hospital, request.PatientId, token));
            var actor = actors.Current.UserName;
            var findings = command.Answers.ToDictionary(a => a.Key,
                a => new ElementFinding(a.Value.State, string.IsNullOrWhiteSpace(a.Value.Note) ? null : a.Value.Note.Trim(), actor, now), StringComparer.Ordinal);
            foreach (var defect in automatic)
            {
                // HimPortal's own finding stands over the specialist's: a form cannot be confirmed past its date.
                findings[defect.Code] = new ElementFinding(ElementStates.Missing, "HimPortal: " + defect.Problem, "HimPortal", now);
            }

            var failures = AuthorizationElements.Failures(authorization, findings, automatic);
            authorization.Elements = AuthorizationElements.Write(findings);
            authorization.CheckedAt = now;
            authorization.CheckedByUserId = actors.Current.UserId;
            Guid? letterId = null;
            if (failures.Count == 0)
            {
                authorization.Status = AuthorizationStatuses.Valid;
                timeline.Note(request, "authorization-checked", "Authorization checked element by element: valid (45 CFR 164.508(c)).");
                if (request.Status is RequestStatuses.Received or RequestStatuses.Validating or RequestStatuses.WaitingForInformation)
                {
                    timeline.Move(request, RequestStatuses.Processing, "A valid authorization is on file: the request moves on to processing.");
                }
            }
            else
            {
                authorization.Status = AuthorizationStatuses.Deficient;
                var pdf = DeficiencyLetter(request, failures, today);
                var letter = await letters.SaveAsync(request.Id, request.PatientId, LetterKinds.AuthorizationDeficiency, pdf.Bytes, pdf.Pages, token);
                letterId = letter.Id;
                var reason = $"authorization deficient: {string.Join("; ", failures.Select(f => f.Element.Citation))}";
                timeline.Note(request, "authorization-checked",
                    $"Authorization checked element by element: deficient ({failures.Count} element(s)); deficiency letter written.");
                if (!timeline.Move(request, RequestStatuses.WaitingForInformation, "Waiting for a corrected authorization.", reason))
                {
                    request.StatusReason = reason;
                }
            }

            await db.SaveChangesAsync(token);
            await audit.RecordAsync(RoiAuthorizationErrors.Audit(request, AuditAction.Update,
                $"authorization {authorization.Id:D} checked: {authorization.Status}; failures={failures.Count}"), token);
            return Result<AuthorizationCheckOutcome>.Success(new AuthorizationCheckOutcome(authorization.Status,
                failures.Select(f => f.Element.Code).ToList(), letterId));
        }, ct);

    /// <summary>The deficiency letter: each failing element in plain words with its citation, and what to send back.</summary>
    public static (byte[] Bytes, int Pages) DeficiencyLetter(ReleaseRequest request, IReadOnlyList<(AuthorizationElement Element, string Problem)> failures, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(failures);
        var paragraphs = new List<string>
        {
            $"We received your request {request.Display} for health information, dated {request.ReceivedAt.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture)}. " +
            "Before we can release anything, federal law requires a valid written authorization signed by the patient or their personal representative " +
            "(45 CFR 164.508). The authorization we received cannot be accepted because of the following:",
        };
        paragraphs.AddRange(failures.Select(f => $"- {f.Element.Title} ({f.Element.Citation}): {f.Problem}"));
        paragraphs.Add("Please send a new, corrected authorization that includes every element listed above. A form cannot be corrected by " +
                       "altering the one already signed. When we receive it we will check it again and continue with your request.");
        paragraphs.Add($"Please quote the reference {request.Display} on your reply.");
        return LetterPages.Write(new LetterContent(RoiAuthorizationErrors.From, RoiAuthorizationErrors.AddressLines(request), today,
            "Your authorization is incomplete", paragraphs, request.Display));
    }
}
