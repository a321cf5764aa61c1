using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.Fees.GetInvoicePdf;
using HimPortal.Application.Roi.Fees.IssueInvoice;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Delivery.PrintMailingLabel;

public sealed record PrintMailingLabelCommand(Guid RequestId);

/// <summary>Writes the mailing label for a mailed packet (kept as a letter of kind mailing-label) and hands it to the printer.</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class PrintMailingLabelHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, RoiLetterStore letters, RequestTimeline timeline)
    : Handler<PrintMailingLabelCommand, Result<RoiFile>>(permissions)
{
    protected override async Task<Result<RoiFile>> ExecuteAsync(PrintMailingLabelCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await db.InTransactionAsync<Result<RoiFile>>(async token =>
        {
            var request = await db.ReleaseRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == command.RequestId, token);
            if (request is null)
            {
                return Error.NotFound("There is no such request.");
            }

            var address = RoiAudit.AddressLines(request.RequesterAddress);
            if (address.Count == 0)
            {
                return Error.Invalid("The request has no postal address: add it to the request before printing a label.");
            }

            IReadOnlyList<string> to = string.IsNullOrWhiteSpace(request.RequesterOrganization)
                ? [request.RequesterName, .. address]
                : [request.RequesterName, request.RequesterOrganization!, .. address];
            var pdf = MailingLabelPdf.Write(IssueInvoiceHandler.From, to, request.Display);
            await letters.SaveAsync(request.Id, request.PatientId, LetterKinds.MailingLabel, pdf, 1, token);
            timeline.Append(request.Id, "letter", "Mailing label printed");
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Print, "mailing label"), token);
            return Result<RoiFile>.Success(new RoiFile(pdf, $"{request.Display}-label.pdf", "application/pdf"));
        }, ct);
    }
}
