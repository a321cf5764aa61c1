using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Amendments.GetAmendmentLetter;

/// <summary>The letters a request for amendment brings the patient.</summary>
public static class AmendmentLetterKinds
{
    /// <summary>The denial (45 CFR 164.526(d)(1)).</summary>
    public const string Denial = "denial";

    /// <summary>The notice of the extension (164.526(b)(2)(ii)).</summary>
    public const string Extension = "extension";

    /// <summary>The copy of the hospital's rebuttal (164.526(d)(3)).</summary>
    public const string Rebuttal = "rebuttal";
}

public sealed record GetAmendmentLetterQuery(Guid PatientId, Guid AmendmentId, string Kind);

public sealed record AmendmentLetterFile(string FileName, byte[] Content);

/// <summary>
/// One of the letters of the person's request, as it was sent (the PDF kept in the document store): only for a request
/// on one of the person's records; anything else is "not found" and the attempt audited. The download is audited.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class GetAmendmentLetterHandler(PermissionCheck permissions, HimDbContext db, PortalAmendments amendments, IDocumentStore store, AccessAudit audit)
    : Handler<GetAmendmentLetterQuery, Result<AmendmentLetterFile>>(permissions)
{
    protected override Task<Result<AmendmentLetterFile>> ExecuteAsync(GetAmendmentLetterQuery query, CancellationToken ct) =>
        db.InTransactionAsync<Result<AmendmentLetterFile>>(async token =>
        {
            var entry = await amendments.OpenAsync(query.PatientId, "amendment-letter", "AmendmentRequest", query.AmendmentId, token);
            if (entry is null)
            {
                return Error.NotFound();
            }

            var records = entry.Patient.RecordIds;
            var row = await db.AmendmentRequests.AsNoTracking().Where(a => a.Id == query.AmendmentId && records.Contains(a.PatientId))
                .Select(a => new { a.Number, a.PatientId, a.DenialLetterObjectId, a.ExtensionLetterObjectId, a.RebuttalLetterObjectId })
                .SingleOrDefaultAsync(token);
            var objectId = query.Kind switch
            {
                AmendmentLetterKinds.Denial => row?.DenialLetterObjectId,
                AmendmentLetterKinds.Extension => row?.ExtensionLetterObjectId,
                AmendmentLetterKinds.Rebuttal => row?.RebuttalLetterObjectId,
                _ => null,
            };
            var content = objectId is { } id ? await store.ReadAllAsync(id, token) : null;
            if (row is null || content is null)
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Denied, "AmendmentRequest", query.AmendmentId.ToString("D"),
                    entry.Patient.Id, Purpose: "no such letter of this person's", Details: $"portal.amendment-letter; kind={query.Kind}; outcome=not-found"), token);
                return Error.NotFound();
            }

            await audit.RecordAsync(new AuditRecord(AuditAction.Export, AuditOutcome.Success, "AmendmentRequest", query.AmendmentId.ToString("D"), row.PatientId,
                Purpose: entry.Access.PurposeOfUse, Details: $"portal.amendment-letter; kind={query.Kind}"), token);
            return Result<AmendmentLetterFile>.Success(new AmendmentLetterFile($"AMD-{row.Number:D6}-{query.Kind}.pdf", content));
        }, ct);
}
