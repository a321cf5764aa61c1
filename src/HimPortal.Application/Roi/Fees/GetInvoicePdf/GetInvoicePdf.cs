using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.Fees.GetFees;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Fees.GetInvoicePdf;

public sealed record GetInvoicePdfQuery(Guid RequestId, Guid InvoiceId);

/// <summary>A file to hand to the browser: its bytes, name and media type.</summary>
public sealed record RoiFile(byte[] Content, string FileName, string ContentType);

/// <summary>The invoice's PDF as it was issued (audited as a print of the request's letter).</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class GetInvoicePdfHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, RoiLetterStore letters)
    : Handler<GetInvoicePdfQuery, Result<RoiFile>>(permissions)
{
    protected override async Task<Result<RoiFile>> ExecuteAsync(GetInvoicePdfQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<RoiFile>>(async token =>
        {
            var invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == query.InvoiceId && i.RequestId == query.RequestId, token);
            var request = await db.ReleaseRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.RequestId, token);
            if (invoice?.LetterId is not { } letterId || request is null || await letters.ReadAsync(letterId, token) is not { } pdf)
            {
                return Error.NotFound("There is no such invoice.");
            }

            var number = GetFeesHandler.InvoiceNumber(invoice.Number);
            await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Print, $"invoice {number} PDF"), token);
            return Result<RoiFile>.Success(new RoiFile(pdf, $"{number}.pdf", "application/pdf"));
        }, ct);
    }
}
