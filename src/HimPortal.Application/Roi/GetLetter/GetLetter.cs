using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.GetLetter;

public sealed record GetLetterQuery(Guid RequestId, Guid LetterId);

public sealed record LetterFile(string FileName, byte[] Pdf);

/// <summary>A request's letter as the PDF that went out (to print or send), audited as a print of the request's letter.</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class GetLetterHandler(PermissionCheck permissions, HimDbContext db, RoiLetterStore letters, AccessAudit audit)
    : Handler<GetLetterQuery, Result<LetterFile>>(permissions)
{
    protected override async Task<Result<LetterFile>> ExecuteAsync(GetLetterQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<LetterFile>>(async token =>
        {
            var found = await db.RoiLetters.AsNoTracking().Where(l => l.Id == query.LetterId && l.RequestId == query.RequestId)
                .Join(db.ReleaseRequests, l => l.RequestId, r => r.Id, (l, r) => new { l.Kind, r.Number, r.PatientId })
                .SingleOrDefaultAsync(token);
            var pdf = found is null ? null : await letters.ReadAsync(query.LetterId, token);
            if (found is null || pdf is null)
            {
                return Error.NotFound();
            }

            var number = ReleaseRequest.FormatNumber(found.Number);
            await audit.RecordAsync(new AuditRecord(AuditAction.Print, AuditOutcome.Success, "ReleaseRequest", query.RequestId.ToString("D"), found.PatientId,
                Details: $"request {number} letter {found.Kind} {query.LetterId:D} opened"), token);
            return Result<LetterFile>.Success(new LetterFile($"{number}-{found.Kind}.pdf", pdf));
        }, ct);
    }
}
