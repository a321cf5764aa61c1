using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Inbox.SignDeficiency;

/// <param name="ShownSha256">The hash of what the page showed (hex): a document changed since is refused, not signed unseen.</param>
public sealed record SignDeficiencyCommand(Guid DeficiencyId, uint Version, string ShownSha256, bool Attested, SignerProof Proof);

public sealed record EntrySigned(Guid SignatureId, string Sha256, DateTimeOffset SignedAt, string Method);

public sealed class SignDeficiencyValidator : AbstractValidator<SignDeficiencyCommand>
{
    public SignDeficiencyValidator()
    {
        RuleFor(c => c.DeficiencyId).NotEmpty();
        RuleFor(c => c.Attested).Equal(true).WithMessage(Attestation.Required);
        RuleFor(c => c.ShownSha256).NotEmpty().Length(64).WithMessage("Open the entry before you sign it.");
        RuleFor(c => c.Proof).NotNull();
    }
}

/// <summary>
/// Signs the entry a signature or order-authentication deficiency names (42 CFR 482.24(c)(1) and (c)(2)): attestation,
/// re-authentication (a refusal changes nothing and is audited), then for a document the writer marks it final with the
/// physician as authenticator and the Signature row follows (after which PostgreSQL refuses any change to the note); for
/// a verbal or telephone order a Signature on the MedicationRequest (the order row is not changed). The deficiency is
/// resolved (signed), its history noted and the stay queued for analysis, in the same transaction.
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class SignDeficiencyHandler(
    PermissionCheck permissions,
    HimDbContext db,
    InboxSigning signing,
    ChartGate gate,
    IDocumentStore store,
    AccessAudit audit,
    TimeProvider clock,
    IValidator<SignDeficiencyCommand> validator) : Handler<SignDeficiencyCommand, Result<EntrySigned>>(permissions)
{
    protected override async Task<Result<EntrySigned>> ExecuteAsync(SignDeficiencyCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<EntrySigned>>(async token =>
        {
            var deficiency = await signing.OwnOpenAsync(command.DeficiencyId, token);
            if (deficiency is null)
            {
                return Error.NotFound();
            }

            if (deficiency.Version != command.Version)
            {
                return Error.Conflict("This deficiency changed since you opened it: open it again.");
            }

            var (resourceType, resourceId) = deficiency switch
            {
                { Kind: DeficiencyKinds.Signature, DocumentId: { } document } => ("DocumentReference", document),
                { Kind: DeficiencyKinds.OrderAuthentication, OrderId: { } order } => ("MedicationRequest", order),
                _ => ("", Guid.Empty),
            };
            if (resourceId == Guid.Empty)
            {
                return Error.Invalid("This deficiency is not an entry to sign: write the document it asks for.");
            }

            if (await gate.OpenAsync(deficiency.PatientId, token) is not { Access.IsGranted: true })
            {
                return Error.Forbidden();
            }

            var method = await signing.ReauthenticateAsync(command.Proof, resourceType, resourceId, deficiency.PatientId, token);
            if (!method.IsSuccess)
            {
                return method.Error!;
            }

            var content = resourceType == "DocumentReference"
                ? await SignedContent.OfNoteAsync(db, store, resourceId, token)
                : await SignedContent.OfOrderAsync(db, resourceId, token);
            if (content is null)
            {
                return Error.Conflict("The entry has no content to sign yet.");
            }

            if (!string.Equals(content.Hex, command.ShownSha256.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return Error.Conflict("The entry changed since you opened it: read it again before you sign.");
            }

            if (await db.Signatures.AnyAsync(s => s.ResourceType == resourceType && s.ResourceId == resourceId, token))
            {
                return Error.Conflict("This entry is already signed.");
            }

            var now = clock.GetUtcNow();
            var practitioner = deficiency.ResponsiblePractitionerId!.Value;
            if (resourceType == "DocumentReference")
            {
                // The note first, then the signature: the trigger refuses any change to a note once it is signed.
                await ClinicalRecordWriter.AuthenticateNoteAsync(db, resourceId, practitioner, now, token);
            }

            var signature = new Signature
            {
                Id = Guid.CreateVersion7(now),
                ResourceType = resourceType,
                ResourceId = resourceId,
                PatientId = deficiency.PatientId,
                EncounterId = deficiency.EncounterId,
                SignerUserId = signing.UserId,
                PractitionerId = practitioner,
                SignedAt = now,
                Method = method.Value!,
                Attestation = Attestation.Text,
                Sha256 = content.Sha256,
                ContentDescription = content.Description,
            };
            db.Signatures.Add(signature);
            signing.Resolve(deficiency, "signed", now);
            await db.SaveChangesAsync(token);
            await StaysToAnalyse.QueueAsync(db, [deficiency.EncounterId], "entry signed", now, token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, resourceType, resourceId.ToString("D"), deficiency.PatientId,
                Purpose: "completion.sign", Details: $"deficiency={deficiency.Id:D}; method={signature.Method}; sha256={content.Hex}"), token);
            return Result<EntrySigned>.Success(new EntrySigned(signature.Id, content.Hex, now, signature.Method));
        }, ct);
    }
}
