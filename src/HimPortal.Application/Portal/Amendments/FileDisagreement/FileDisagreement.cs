using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Amendments.FileDisagreement;

public sealed record FileDisagreementCommand(Guid PatientId, Guid AmendmentId, string Statement, uint Version);

public sealed class FileDisagreementValidator : AbstractValidator<FileDisagreementCommand>
{
    /// <summary>About two pages: 164.526(d)(2) lets the hospital reasonably limit the statement's length.</summary>
    public const int MaxLength = 4000;

    public FileDisagreementValidator()
    {
        RuleFor(c => c.Statement).NotEmpty().WithMessage("Write your statement: what you disagree with, and why.")
            .MaximumLength(MaxLength).WithMessage($"Keep your statement under {MaxLength:N0} characters (about two pages).");
    }
}

/// <summary>
/// After a denial, the patient files a statement of disagreement (45 CFR 164.526(d)(1)(ii), (d)(2)): once, kept with the
/// request and so linked to the item, and sent with every later disclosure of the item with the request, the denial and
/// any rebuttal (164.526(d)(4)-(5); release of information's packet build reads it). Version-checked and audited.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class FileDisagreementHandler(
    PermissionCheck permissions,
    HimDbContext db,
    PortalAmendments amendments,
    AccessAudit audit,
    IAuditActorAccessor actors,
    TimeProvider clock,
    IValidator<FileDisagreementCommand> validator) : Handler<FileDisagreementCommand, Result<uint>>(permissions)
{
    protected override async Task<Result<uint>> ExecuteAsync(FileDisagreementCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync<Result<uint>>(async token =>
            {
                var entry = await amendments.OpenAsync(command.PatientId, "amendment-disagreement", "AmendmentRequest", command.AmendmentId, token);
                if (entry is null)
                {
                    return Error.NotFound();
                }

                var records = entry.Patient.RecordIds;
                var request = await db.AmendmentRequests.SingleOrDefaultAsync(a => a.Id == command.AmendmentId && records.Contains(a.PatientId), token);
                if (request is null)
                {
                    await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Denied, "AmendmentRequest", command.AmendmentId.ToString("D"),
                        entry.Patient.Id, Purpose: "no such request of this person's", Details: "portal.amendment-disagreement; outcome=not-found"), token);
                    return Error.NotFound();
                }

                if (request.Version != command.Version)
                {
                    return Error.Conflict("This request changed since you opened the page: look at it again.");
                }

                if (request.Status != AmendmentStatuses.Denied || request.DisagreementText is not null)
                {
                    return Error.Conflict("A statement of disagreement is filed once, after a denial.");
                }

                var now = clock.GetUtcNow();
                request.DisagreementText = command.Statement.Trim();
                request.DisagreementAt = now;
                db.AmendmentEvents.Add(new AmendmentEvent
                {
                    Id = Guid.CreateVersion7(now), AmendmentId = request.Id, At = now, Kind = "disagreement", ByUserId = actors.Current.UserId,
                });
                await db.SaveChangesAsync(token);
                // The staff chart marks a disputed item: its cached content must be read again.
                await ClinicalRecordWriter.BumpAsync(db, [request.PatientId], token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "AmendmentRequest", request.Id.ToString("D"), request.PatientId,
                    Purpose: entry.Access.PurposeOfUse, Details: $"portal.amendment-disagreement; item={request.ResourceType}/{request.ResourceId:D}"), token);
                return Result<uint>.Success(request.Version);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Error.Conflict("This request changed since you opened the page: look at it again.");
        }
    }
}
