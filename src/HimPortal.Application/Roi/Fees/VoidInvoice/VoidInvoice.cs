using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.Fees.GetFees;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Fees.VoidInvoice;

public sealed record VoidInvoiceCommand(Guid InvoiceId, string? Reason, uint Version);

public sealed class VoidInvoiceValidator : AbstractValidator<VoidInvoiceCommand>
{
    public VoidInvoiceValidator()
    {
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why the invoice is voided.").MaximumLength(500).WithMessage("The reason is at most 500 characters.");
    }
}

/// <summary>
/// Voids an invoice, with the reason in the timeline (the invoice and its PDF stay: a corrected invoice is a new one).
/// An invoice with payments is not voided here: the money must be refunded or moved first. An invoiced request goes back
/// to ready, so the corrected invoice moves it again.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class VoidInvoiceHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    RequestTimeline timeline,
    TimeProvider time,
    IValidator<VoidInvoiceCommand> validator) : Handler<VoidInvoiceCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(VoidInvoiceCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync<Result<bool>>(async token =>
            {
                var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.Id == command.InvoiceId, token);
                if (invoice is null)
                {
                    return Error.NotFound("There is no such invoice.");
                }

                if (invoice.Version != command.Version)
                {
                    return RoiAudit.Stale;
                }

                var number = GetFeesHandler.InvoiceNumber(invoice.Number);
                if (invoice.VoidedAt is not null)
                {
                    return Error.Conflict($"Invoice {number} is already voided.");
                }

                if (await db.Payments.AnyAsync(p => p.InvoiceId == invoice.Id, token))
                {
                    return Error.Conflict($"Invoice {number} has payments: refund or move them before voiding it.");
                }

                var request = await db.ReleaseRequests.SingleAsync(r => r.Id == invoice.RequestId, token);
                if (RequestStatuses.Closed.Contains(request.Status))
                {
                    return Error.Conflict($"The request is {request.Status}: its invoices stay as they are.");
                }

                invoice.VoidedAt = time.GetUtcNow();
                db.Entry(invoice).Property(i => i.Version).OriginalValue = command.Version;
                var reason = command.Reason!.Trim();
                if (!(request.Status == RequestStatuses.Invoiced && timeline.Move(request, RequestStatuses.Ready, $"Invoice {number} voided: {reason}")))
                {
                    timeline.Note(request, "invoice", $"Invoice {number} voided: {reason}");
                }

                await db.SaveChangesAsync(token);
                await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Update, $"invoice {number} voided"), token);
                return Result<bool>.Success(true);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return RoiAudit.Stale;
        }
    }
}
