using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Activation;

/// <summary>The patient's id and the letter's: a letter id of another patient is not found.</summary>
public sealed record DownloadActivationLetterQuery(Guid PatientId, Guid LetterId);

public sealed record ActivationLetterFile(byte[] Pdf, string FileName);

/// <summary>The printable letter, as it was issued, from the document store; each download audited as a print.</summary>
[RequiresPermission(Permissions.PortalEnrol)]
public sealed class DownloadActivationLetterHandler(PermissionCheck permissions, HimDbContext db, IDocumentStore store, AccessAudit audit)
    : Handler<DownloadActivationLetterQuery, Result<ActivationLetterFile>>(permissions)
{
    protected override Task<Result<ActivationLetterFile>> ExecuteAsync(DownloadActivationLetterQuery query, CancellationToken ct) =>
        db.InTransactionAsync<Result<ActivationLetterFile>>(async token =>
        {
            var objectId = await db.ActivationCodes.AsNoTracking()
                .Where(c => c.Id == query.LetterId && c.PatientId == query.PatientId)
                .Select(c => c.LetterObjectId)
                .SingleOrDefaultAsync(token);
            using var copy = new MemoryStream();
            // Read to the end and closed before the audit row: the store reads on this transaction's connection.
            await using (var stream = objectId is null ? null : await store.OpenReadAsync(objectId.Value, token))
            {
                if (stream is null)
                {
                    return Error.NotFound("There is no such letter.");
                }

                await stream.CopyToAsync(copy, token);
            }

            await audit.RecordAsync(new AuditRecord(AuditAction.Print, AuditOutcome.Success, "ActivationLetter", query.LetterId.ToString("D"),
                query.PatientId, Purpose: "patient portal enrolment", Details: "portal.activation-letter downloaded"), token);
            return Result<ActivationLetterFile>.Success(new ActivationLetterFile(copy.ToArray(), "portal-activation-letter.pdf"));
        }, ct);
}
