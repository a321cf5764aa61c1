using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Portal;

namespace HimPortal.Application.Completion.Amendments.WriteRebuttal;

public sealed record WriteRebuttalCommand(Guid AmendmentId, string Rebuttal, uint Version);

public sealed class WriteRebuttalValidator : AbstractValidator<WriteRebuttalCommand>
{
    public WriteRebuttalValidator()
    {
        RuleFor(c => c.Rebuttal).NotEmpty().WithMessage("Write the rebuttal: the hospital's answer to the statement of disagreement.")
            .MaximumLength(4000).WithMessage("Keep the rebuttal under 4,000 characters.");
    }
}

/// <summary>
/// The hospital's written rebuttal to a patient's statement of disagreement (45 CFR 164.526(d)(3)): once, with a copy
/// to the patient (a PDF letter kept as sent, offered in the portal); it goes with later disclosures of the item with the
/// request, the denial and the statement (164.526(d)(4)-(5)). Version-checked and audited.
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class WriteRebuttalHandler(PermissionCheck permissions, HimDbContext db, AmendmentDesk desk, TimeProvider clock,
    IValidator<WriteRebuttalCommand> validator) : Handler<WriteRebuttalCommand, Result<uint>>(permissions)
{
    protected override async Task<Result<uint>> ExecuteAsync(WriteRebuttalCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await desk.ChangeAsync<WriteRebuttalCommand, uint>(validator, command, command.AmendmentId, command.Version, authorOnly: false, async (request, token) =>
        {
            if (request.Status != AmendmentStatuses.Denied || request.DisagreementText is null || request.RebuttalText is not null)
            {
                return Error.Conflict("A rebuttal answers a statement of disagreement, once.");
            }

            var now = clock.GetUtcNow();
            request.RebuttalText = command.Rebuttal.Trim();
            request.RebuttalAt = now;
            var (objectId, _) = await desk.LetterAsync(request, "Our rebuttal to your statement of disagreement",
            [
                desk.Opening(request),
                "",
                "We denied that request, and you filed a statement of disagreement. The law allows us to answer it with a rebuttal, and requires " +
                "that we send you a copy (45 CFR 164.526(d)(3)). This is our rebuttal:",
                "",
                request.RebuttalText,
                "",
                "Your request, our denial, your statement and this rebuttal are linked to the item and go with any later disclosure of it " +
                "(45 CFR 164.526(d)(4)-(5)).",
                "",
                desk.Complaints(),
            ], now, token);
            request.RebuttalLetterObjectId = objectId;
            desk.Note(request, "rebuttal", null, now);
            await db.SaveChangesAsync(token);
            await desk.AuditAsync(AuditAction.Update, request, $"completion.amendment-rebuttal; letter={objectId:D}", token);
            return Result<uint>.Success(request.Version);
        }, ct);
    }
}
