using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Portal;

namespace HimPortal.Application.Completion.Amendments.DenyAmendment;

public sealed record DenyAmendmentCommand(Guid AmendmentId, string Ground, string Explanation, uint Version);

public sealed class DenyAmendmentValidator : AbstractValidator<DenyAmendmentCommand>
{
    public DenyAmendmentValidator()
    {
        RuleFor(c => c.Ground).Must(g => AmendmentDenialGroundTexts.Find(g) is not null)
            .WithMessage("Choose the ground of the denial: only the four of 45 CFR 164.526(a)(2) allow one.");
        RuleFor(c => c.Explanation).NotEmpty().WithMessage("Explain the denial in plain words: the letter gives the patient your explanation.")
            .MaximumLength(4000).WithMessage("Keep the explanation under 4,000 characters.");
    }
}

/// <summary>
/// The author denies a request to amend, on one of the grounds of 45 CFR 164.526(a)(2), with a plain explanation. The
/// patient gets a denial letter (a PDF kept as sent, offered in the portal) in plain language, as (d)(1) requires: (i) the
/// basis for the denial; (ii) the right to file a statement of disagreement, and how; (iii) that without one the patient
/// may ask that the request and the denial go with future disclosures of the item; (iv) how to complain to the hospital
/// (the contact's name, title and telephone: settings) and to the Secretary of HHS. Version-checked and audited.
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class DenyAmendmentHandler(PermissionCheck permissions, HimDbContext db, AmendmentDesk desk, TimeProvider clock,
    IValidator<DenyAmendmentCommand> validator) : Handler<DenyAmendmentCommand, Result<uint>>(permissions)
{
    protected override async Task<Result<uint>> ExecuteAsync(DenyAmendmentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await desk.ChangeAsync<DenyAmendmentCommand, uint>(validator, command, command.AmendmentId, command.Version, authorOnly: true, async (request, token) =>
        {
            var now = clock.GetUtcNow();
            var ground = AmendmentDenialGroundTexts.Find(command.Ground)!;
            request.Status = AmendmentStatuses.Denied;
            request.DecidedAt = now;
            request.DecidedByUserId = desk.UserId;
            request.DenialGround = ground.Code;
            request.DenialExplanation = command.Explanation.Trim();
            var (objectId, _) = await desk.LetterAsync(request, "Your request to amend your record is denied",
            [
                desk.Opening(request),
                "",
                $"We have reviewed your request and we are denying it. The basis for the denial: {ground.LetterText} ({ground.Citation}).",
                request.DenialExplanation,
                "",
                "Your right to disagree. You may file a written statement disagreeing with this denial and saying why. File it in the patient " +
                $"portal, under Corrections (\"File a statement of disagreement\"), or send it to: {desk.Settings.PostalAddress}, citing {request.Display}. " +
                "Your statement will be linked to the item, and it will go with any later disclosure of the item, with your request and this " +
                "denial (45 CFR 164.526(d)(1)(ii), (d)(4)-(5)). We may write a rebuttal; if we do, we will send you a copy.",
                "",
                "If you do not file a statement of disagreement, you may ask us to include your request and this denial with any future " +
                "disclosure of the item (45 CFR 164.526(d)(1)(iii)). Ask in the patient portal, under Corrections (\"Include my request and the " +
                "denial whenever this item is shared\"), or write to the address above.",
                "",
                desk.Complaints(),
            ], now, token);
            request.DenialLetterObjectId = objectId;
            desk.Note(request, "denied", ground.Code, now);
            await db.SaveChangesAsync(token);
            await desk.AuditAsync(AuditAction.Update, request, $"completion.amendment-deny; ground={ground.Code}; letter={objectId:D}", token);
            return Result<uint>.Success(request.Version);
        }, ct);
    }
}
