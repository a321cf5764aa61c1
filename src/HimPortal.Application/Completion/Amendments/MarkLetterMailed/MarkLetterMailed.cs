using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Amendments.MarkLetterMailed;

public sealed record MarkLetterMailedCommand(Guid AmendmentId, Guid RecipientId, uint Version);

public sealed class MarkLetterMailedValidator : AbstractValidator<MarkLetterMailedCommand>
{
    public MarkLetterMailedValidator()
    {
        RuleFor(c => c.RecipientId).NotEmpty().WithMessage("Choose the letter you printed and mailed.");
    }
}

/// <summary>
/// HIM marks a recipient's letter printed and mailed: the amendment then has reached everyone it must reach (45 CFR
/// 164.526(c)(3)). Once per letter; the request's version as the page showed it, and audited.
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class MarkLetterMailedHandler(PermissionCheck permissions, HimDbContext db, AmendmentDesk desk, TimeProvider clock,
    IValidator<MarkLetterMailedCommand> validator) : Handler<MarkLetterMailedCommand, Result<uint>>(permissions)
{
    protected override async Task<Result<uint>> ExecuteAsync(MarkLetterMailedCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await desk.ChangeAsync<MarkLetterMailedCommand, uint>(validator, command, command.AmendmentId, command.Version, authorOnly: false, async (request, token) =>
        {
            var recipient = await db.AmendmentRecipients.SingleOrDefaultAsync(r => r.Id == command.RecipientId && r.AmendmentId == request.Id, token);
            if (recipient?.LetterObjectId is null)
            {
                return Error.NotFound("There is no such letter to print.");
            }

            if (recipient.MailedAt is not null)
            {
                return Error.Conflict("This letter is marked mailed already.");
            }

            var now = clock.GetUtcNow();
            recipient.MailedAt = now;
            desk.Note(request, "mailed", $"{recipient.Source} letter printed and mailed", now);
            await db.SaveChangesAsync(token);
            await desk.AuditAsync(AuditAction.Update, request, $"completion.amendment-letter-mailed; recipient={recipient.Id:D}", token);
            return Result<uint>.Success(request.Version);
        }, ct);
    }
}
