using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.CorrectMisfile;

public sealed record GetMisfileQuery(Guid DocumentId);

/// <summary>What the misfile page shows before the move: the document and where it is filed now.</summary>
public sealed record MisfileView(Guid DocumentId, uint Version, string Status, Guid? PatientId, string? PatientName, string? PatientMrn, string? TypeName,
    DateOnly? DocumentDate, int PageCount, DateTimeOffset? IndexedAt);

/// <summary>Reads a filed document for its misfile correction; it names the patient, so it is an audited view (operations).</summary>
[RequiresPermission(Permissions.RecordsCorrect)]
public sealed class GetMisfileHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit) : Handler<GetMisfileQuery, Result<MisfileView>>(permissions)
{
    protected override async Task<Result<MisfileView>> ExecuteAsync(GetMisfileQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<MisfileView>>(async token =>
        {
            var document = await db.Set<ScannedDocument>().AsNoTracking().SingleOrDefaultAsync(d => d.Id == query.DocumentId, token);
            if (document is null)
            {
                return Error.NotFound("There is no such scanned document.");
            }

            var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == document.PatientId)
                .Select(p => new { Name = ((p.GivenNames ?? "") + " " + (p.FamilyName ?? "")).Trim(), p.Mrn }).SingleOrDefaultAsync(token);
            var type = await db.Set<DocumentType>().AsNoTracking().Where(t => t.Id == document.DocumentTypeId).Select(t => t.Name).SingleOrDefaultAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, ScannedDocumentAudit.ResourceType, document.Id.ToString("D"),
                document.PatientId, ScannedDocumentAudit.OperationsPurpose, "misfile correction; opened"), token);
            return Result<MisfileView>.Success(new MisfileView(document.Id, document.Version, document.Status.ToString().ToLowerInvariant(), document.PatientId,
                patient?.Name, patient?.Mrn, type, document.DocumentDate, document.PageCount, document.IndexedAt));
        }, ct);
    }
}
