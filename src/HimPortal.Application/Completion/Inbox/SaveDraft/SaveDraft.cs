using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Inbox.SaveDraft;

public sealed record SaveDraftCommand(Guid DraftId, string Text, uint Version);

public sealed class SaveDraftValidator : AbstractValidator<SaveDraftCommand>
{
    public const int MaxLength = 100_000;

    public SaveDraftValidator()
    {
        RuleFor(c => c.DraftId).NotEmpty();
        RuleFor(c => c.Text).NotEmpty().WithMessage("Write the document's text.")
            .MaximumLength(MaxLength).WithMessage($"A document holds at most {MaxLength:N0} characters.");
    }
}

/// <summary>Saves the physician's draft text; the Version read with it must still be current (a second tab's save is not overwritten).</summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class SaveDraftHandler(
    PermissionCheck permissions,
    HimDbContext db,
    InboxSigning signing,
    AccessAudit audit,
    TimeProvider clock,
    IValidator<SaveDraftCommand> validator) : Handler<SaveDraftCommand, Result<uint>>(permissions)
{
    protected override async Task<Result<uint>> ExecuteAsync(SaveDraftCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<uint>>(async token =>
        {
            var userId = signing.UserId;
            var draft = await db.DocumentDrafts.SingleOrDefaultAsync(d => d.Id == command.DraftId && d.AuthorUserId == userId, token);
            if (draft is null)
            {
                return Error.NotFound();
            }

            if (draft.Status != "draft")
            {
                return Error.Conflict("This draft is already signed: a signed document takes an addendum.");
            }

            if (draft.Version != command.Version)
            {
                return Error.Conflict("The draft was saved elsewhere since you opened it: open it again.");
            }

            draft.Text = command.Text.ReplaceLineEndings("\n");
            draft.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "Encounter", draft.EncounterId.ToString("D"), draft.PatientId,
                Purpose: "completion.draft", Details: $"draft={draft.Id:D} saved"), token);
            await db.Entry(draft).ReloadAsync(token);
            return Result<uint>.Success(draft.Version);
        }, ct);
    }
}
