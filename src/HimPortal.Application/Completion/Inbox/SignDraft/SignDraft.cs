using System.Security.Cryptography;
using System.Text;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Inbox.SignDraft;

/// <param name="Version">The draft's version as shown: what is signed is exactly the text the physician last saw.</param>
public sealed record SignDraftCommand(Guid DraftId, uint Version, bool Attested, SignerProof Proof);

public sealed record DocumentWritten(Guid DocumentId, Guid SignatureId, string Sha256);

public sealed class SignDraftValidator : AbstractValidator<SignDraftCommand>
{
    public SignDraftValidator()
    {
        RuleFor(c => c.DraftId).NotEmpty();
        RuleFor(c => c.Attested).Equal(true).WithMessage(Attestation.Required);
        RuleFor(c => c.Proof).NotNull();
    }
}

/// <summary>
/// Signs a draft: attestation and re-authentication as for any signature, then the writer files it as a new
/// DocumentReference of the stay (docStatus final, the physician author and authenticator; an addendum relates to its
/// original with appends, which is never changed), a Signature row binds the text's SHA-256, the draft is marked signed,
/// and the deficiency it answers is resolved (written) with the stay queued, all in one transaction (42 CFR
/// 482.24(c)(1), (c)(4)(vii); 482.22(c)(5); 482.51(b)(6)).
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class SignDraftHandler(
    PermissionCheck permissions,
    HimDbContext db,
    InboxSigning signing,
    ChartGate gate,
    AccessAudit audit,
    TimeProvider clock,
    IValidator<SignDraftCommand> validator) : Handler<SignDraftCommand, Result<DocumentWritten>>(permissions)
{
    protected override async Task<Result<DocumentWritten>> ExecuteAsync(SignDraftCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<DocumentWritten>>(async token =>
        {
            var userId = signing.UserId;
            var draft = await db.DocumentDrafts.SingleOrDefaultAsync(d => d.Id == command.DraftId && d.AuthorUserId == userId, token);
            if (draft is null)
            {
                return Error.NotFound();
            }

            if (draft.Status != "draft")
            {
                return Error.Conflict("This draft is already signed.");
            }

            if (draft.Version != command.Version)
            {
                return Error.Conflict("The draft changed since you read it: read it again before you sign.");
            }

            if (string.IsNullOrWhiteSpace(draft.Text))
            {
                return Error.Invalid("Write the document's text and save it before you sign.");
            }

            if (await gate.OpenAsync(draft.PatientId, token) is not { Access.IsGranted: true })
            {
                return Error.Forbidden();
            }

            var method = await signing.ReauthenticateAsync(command.Proof, "Encounter", draft.EncounterId, draft.PatientId, token);
            if (!method.IsSuccess)
            {
                return method.Error!;
            }

            var now = clock.GetUtcNow();
            var documentId = await ClinicalRecordWriter.WriteDocumentAsync(db, new WrittenDocument(
                draft.PatientId, draft.EncounterId, draft.AuthorPractitionerId, draft.TypeCode, draft.TypeDisplay, draft.Text, draft.AddendumToId), now, token);
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(draft.Text));
            var signature = new Signature
            {
                Id = Guid.CreateVersion7(now),
                ResourceType = "DocumentReference",
                ResourceId = documentId,
                PatientId = draft.PatientId,
                EncounterId = draft.EncounterId,
                SignerUserId = userId,
                PractitionerId = draft.AuthorPractitionerId,
                SignedAt = now,
                Method = method.Value!,
                Attestation = Attestation.Text,
                Sha256 = hash,
                ContentDescription = SignedContent.NoteText,
            };
            db.Signatures.Add(signature);
            draft.Status = "signed";
            draft.SignedDocumentId = documentId;
            draft.UpdatedAt = now;
            if (draft.DeficiencyId is { } deficiencyId && await signing.OwnOpenAsync(deficiencyId, token) is { } deficiency)
            {
                signing.Resolve(deficiency, "written", now);
            }

            await db.SaveChangesAsync(token);
            var addendum = draft.AddendumToId is not null;
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "DocumentReference", documentId.ToString("D"), draft.PatientId,
                Purpose: addendum ? "completion.addendum" : "completion.write",
                Details: $"draft={draft.Id:D}; type={draft.TypeCode}; method={signature.Method}{(draft.AddendumToId is { } to ? $"; appends {to:D}" : "")}"), token);
            return Result<DocumentWritten>.Success(new DocumentWritten(documentId, signature.Id, Convert.ToHexStringLower(hash)));
        }, ct);
    }
}
