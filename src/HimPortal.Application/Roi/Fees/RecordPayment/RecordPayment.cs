using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.Fees.GetFees;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Fees.RecordPayment;

/// <summary>A payment against an invoice, in dollars.</summary>
public sealed record RecordPaymentCommand(Guid InvoiceId, decimal Amount, string? Method, string? Reference);

public sealed record PaymentRecorded(Guid PaymentId, int PaidCents, int BalanceCents);

public static class PaymentMethods
{
    public static readonly IReadOnlyList<string> All = ["check", "card", "cash", "money-order", "electronic-transfer"];
}

public sealed class RecordPaymentValidator : AbstractValidator<RecordPaymentCommand>
{
    public RecordPaymentValidator()
    {
        RuleFor(c => c.Amount).GreaterThan(0m).WithMessage("Enter the amount paid (more than $0).")
            .Must(a => decimal.Round(a, 2) == a).WithMessage("Give the amount in dollars and cents.")
            .LessThanOrEqualTo(100_000m).WithMessage("The amount is at most $100,000.");
        RuleFor(c => c.Method).Must(m => m is not null && PaymentMethods.All.Contains(m))
            .WithMessage($"Choose how it was paid: {string.Join(", ", PaymentMethods.All)}.");
        RuleFor(c => c.Reference).MaximumLength(200).WithMessage("The reference is at most 200 characters.");
    }
}

/// <summary>
/// Records a payment of an invoice: never more than the balance (an overpayment is refused, nothing is kept to refund),
/// never on a voided invoice. The invoice's row is locked while the balance is checked, so two payments recorded at once
/// cannot both pass. The release gate counts only this request's invoices (never a medical bill).
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class RecordPaymentHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    RequestTimeline timeline,
    TimeProvider time,
    IValidator<RecordPaymentCommand> validator) : Handler<RecordPaymentCommand, Result<PaymentRecorded>>(permissions)
{
    protected override async Task<Result<PaymentRecorded>> ExecuteAsync(RecordPaymentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<PaymentRecorded>>(async token =>
        {
            var invoice = await db.Invoices.FromSql($"SELECT i.*, i.xmin FROM roi.invoices i WHERE i.id = {command.InvoiceId} FOR UPDATE").SingleOrDefaultAsync(token);
            if (invoice is null)
            {
                return Error.NotFound("There is no such invoice.");
            }

            var request = await db.ReleaseRequests.SingleAsync(r => r.Id == invoice.RequestId, token);
            var number = GetFeesHandler.InvoiceNumber(invoice.Number);
            if (invoice.VoidedAt is not null)
            {
                return Error.Conflict($"Invoice {number} was voided: record the payment against the corrected invoice.");
            }

            var paid = await db.Payments.Where(p => p.InvoiceId == invoice.Id).SumAsync(p => p.AmountCents, token);
            var cents = RoiAudit.Cents(command.Amount);
            if (paid + cents > invoice.TotalCents)
            {
                return Error.Invalid($"That is more than the balance of {RoiAudit.Money(invoice.TotalCents - paid)}: an overpayment is not recorded.",
                    nameof(RecordPaymentCommand.Amount));
            }

            var payment = new Payment
            {
                Id = Guid.CreateVersion7(),
                InvoiceId = invoice.Id,
                AmountCents = cents,
                Method = command.Method!,
                Reference = string.IsNullOrWhiteSpace(command.Reference) ? null : command.Reference.Trim(),
                ReceivedAt = time.GetUtcNow(),
                RecordedByUserId = actors.Current.UserId,
            };
            db.Payments.Add(payment);
            var balance = invoice.TotalCents - paid - cents;
            timeline.Note(request, "payment", $"Payment of {RoiAudit.Money(cents)} ({payment.Method}) on {number}; balance {RoiAudit.Money(balance)}");
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Create, $"payment on {number}: {cents} cents"), token);
            return Result<PaymentRecorded>.Success(new PaymentRecorded(payment.Id, paid + cents, balance));
        }, ct);
    }
}
