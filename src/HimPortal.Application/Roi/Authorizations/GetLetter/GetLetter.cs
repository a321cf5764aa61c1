using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Authorizations.GetLetter;

public sealed record GetLetterQuery(Guid RequestId, Guid LetterId);

public sealed record LetterFile(string FileName, byte[] Pdf);

/// <summary>A letter of a request as it went out (deficiency, denial, evidence pack, …), audited as a print.</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class GetLetterHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, RoiLetterStore letters)
    : Handler<GetLetterQuery, Result<LetterFile>>(permissions)
{
    protected override async Task<Result<LetterFile>> ExecuteAsync(GetLetterQuery query, CancellationToken ct) =>
        await db.InTransactionAsync<Result<LetterFile>>(async token =>
        {
            var request = await db.ReleaseRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.RequestId, token);
            var letter = await db.RoiLetters.AsNoTracking().SingleOrDefaultAsync(l => l.Id == query.LetterId && l.RequestId == query.RequestId, token);
            if (request is null || letter is null || await letters.ReadAsync(letter.Id, token) is not { } pdf)
            {
                return RoiAuthorizationErrors.NotFound;
            }

            await audit.RecordAsync(RoiAuthorizationErrors.Audit(request, AuditAction.Print, $"letter {letter.Id:D} ({letter.Kind})"), token);
            return Result<LetterFile>.Success(new LetterFile($"{request.Display}-{letter.Kind}.pdf", pdf));
        }, ct);
}
