using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.DispositionDocument;

/// <summary>How the sender of a misdirected document was told.</summary>
public static class NotifiedBy
{
    public const string Fax = "fax";
    public const string Letter = "letter";
    public const string Phone = "phone";

    public static readonly IReadOnlyList<string> All = [Fax, Letter, Phone];
}

/// <param name="Status">Held, Misdirected, Duplicate or Blank.</param>
/// <param name="Reason">Why: the patient not yet registered, the document it duplicates, …</param>
/// <param name="Sender">For a misdirected document: who sent it (they are told).</param>
/// <param name="HowNotified">For a misdirected document: one of <see cref="NotifiedBy.All"/>.</param>
public sealed record DispositionDocumentCommand(Guid DocumentId, uint Version, ScannedDocumentStatus Status, string? Reason, string? Sender = null, string? HowNotified = null);

public sealed class DispositionDocumentValidator : AbstractValidator<DispositionDocumentCommand>
{
    public DispositionDocumentValidator()
    {
        RuleFor(c => c.DocumentId).NotEmpty();
        RuleFor(c => c.Status).Must(s => s is ScannedDocumentStatus.Held or ScannedDocumentStatus.Misdirected or ScannedDocumentStatus.Duplicate or ScannedDocumentStatus.Blank)
            .WithMessage("Choose held, misdirected, duplicate or blank.");
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why.").MaximumLength(600);
        RuleFor(c => c.Sender).NotEmpty().When(c => c.Status == ScannedDocumentStatus.Misdirected)
            .WithMessage("Name the sender of the misdirected document.").MaximumLength(200);
        RuleFor(c => c.HowNotified).Must(n => n is not null && NotifiedBy.All.Contains(n)).When(c => c.Status == ScannedDocumentStatus.Misdirected)
            .WithMessage("Say how the sender was told: fax, letter or phone.");
    }
}

/// <summary>
/// What cannot be filed is dispositioned, never deleted (the bytes and pages stay): held (patient not found or not yet
/// registered: it stays in the queue's "held" list and can be indexed later), misdirected (the sender is told, and who and
/// how is recorded: a cover letter is printed from the screen), duplicate, blank. One transaction with the filing-history
/// row and the audit row.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class DispositionDocumentHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<DispositionDocumentCommand> validator,
    TimeProvider clock) : Handler<DispositionDocumentCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(DispositionDocumentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await Indexing.ChangeWaitingAsync(db, validator, command, command.DocumentId, command.Version, async (document, token) =>
        {
            var reason = command.Status == ScannedDocumentStatus.Misdirected
                ? $"{command.Reason!.Trim()} (sender: {command.Sender!.Trim()}; notified by {command.HowNotified})"
                : command.Reason!.Trim();
            var now = clock.GetUtcNow();
            document.Status = command.Status;
            document.Reason = reason;
            document.IndexedByUserId = actors.Current.UserId;
            document.IndexedAt = now;
            document.IndexedBy = "clerk";
            await db.SaveChangesAsync(token);
            db.Add(Indexing.Filing(document, FilingKinds.Dispositioned, actors.Current.UserId, now, reason));
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(Indexing.Changed(document, $"dispositioned {command.Status.ToString().ToLowerInvariant()}"), token);
            return Result<Guid>.Success(document.Id);
        }, ct);
    }
}
