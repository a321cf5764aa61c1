using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.Fees.GetInvoicePdf;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Accounting.GetAccountingLetter;

public sealed record GetAccountingLetterQuery(Guid PatientId, Guid LetterId) : IPatientRequest;

/// <summary>An accounting (or its extension notice) as it was given, for the patient's page.</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class GetAccountingLetterHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, RoiLetterStore letters)
    : Handler<GetAccountingLetterQuery, Result<RoiFile>>(permissions)
{
    protected override async Task<Result<RoiFile>> ExecuteAsync(GetAccountingLetterQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<RoiFile>>(async token =>
        {
            var letter = await db.RoiLetters.AsNoTracking().SingleOrDefaultAsync(l => l.Id == query.LetterId && l.PatientId == query.PatientId
                && l.RequestId == null && (l.Kind == LetterKinds.Accounting || l.Kind == LetterKinds.ExtensionNotice), token);
            if (letter is null || await letters.ReadAsync(letter.Id, token) is not { } pdf)
            {
                return Error.NotFound("There is no such accounting.");
            }

            await audit.RecordAsync(new AuditRecord(AuditAction.Print, AuditOutcome.Success, GetAccounting.GetAccountingHandler.ResourceType,
                query.PatientId.ToString("D"), query.PatientId, "release of information", $"accounting letter {letter.Id:D}"), token);
            return Result<RoiFile>.Success(new RoiFile(pdf, $"accounting-{letter.CreatedAt:yyyyMMdd}.pdf", "application/pdf"));
        }, ct);
    }
}
