using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Amendments.GetRecipientLetter;

public sealed record GetRecipientLetterQuery(Guid AmendmentId, Guid RecipientId);

public sealed record RecipientLetterFile(string FileName, byte[] Content);

/// <summary>
/// The letter written for a recipient of an accepted amendment who has a postal address (45 CFR 164.526(c)(3)), as the
/// notices job kept it, for HIM to print and post. The letter names the patient and carries the amendment: printing it
/// is audited as a print of the patient's data (the sending itself is audited as a disclosure by the job).
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class GetRecipientLetterHandler(PermissionCheck permissions, HimDbContext db, IDocumentStore store, AmendmentDesk desk)
    : Handler<GetRecipientLetterQuery, Result<RecipientLetterFile>>(permissions)
{
    protected override Task<Result<RecipientLetterFile>> ExecuteAsync(GetRecipientLetterQuery query, CancellationToken ct) =>
        db.InTransactionAsync<Result<RecipientLetterFile>>(async token =>
        {
            ArgumentNullException.ThrowIfNull(query);
            var request = await db.AmendmentRequests.AsNoTracking().SingleOrDefaultAsync(a => a.Id == query.AmendmentId, token);
            var letter = await db.AmendmentRecipients.AsNoTracking().Where(r => r.Id == query.RecipientId && r.AmendmentId == query.AmendmentId)
                .Select(r => r.LetterObjectId).SingleOrDefaultAsync(token);
            if (request is null || letter is not { } objectId)
            {
                return Error.NotFound("There is no such letter to print.");
            }

            var content = await store.ReadAllAsync(objectId, token);
            if (content is null)
            {
                return Error.NotFound("The letter is missing from the document store.");
            }

            await desk.AuditAsync(AuditAction.Print, request, $"completion.amendment-letter-print; recipient={query.RecipientId:D}", token);
            return Result<RecipientLetterFile>.Success(new RecipientLetterFile($"{request.Display}-letter.pdf", content));
        }, ct);
}
