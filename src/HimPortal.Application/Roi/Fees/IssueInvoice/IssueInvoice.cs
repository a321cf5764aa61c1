using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Letters;
using HimPortal.Application.Roi.Fees.GetFees;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Fees.IssueInvoice;

/// <param name="EstimatedPages">Pages to charge before the packet is built (ignored once it is: the packet's count is used).</param>
/// <param name="PolicyFee">Dollars, when the request's state has no schedule (third parties): the hospital's policy fee…</param>
/// <param name="PolicyReason">…and why that amount.</param>
/// <param name="Version">The request's version the specialist saw.</param>
public sealed record IssueInvoiceCommand(Guid RequestId, int? EstimatedPages, decimal? PolicyFee, string? PolicyReason, uint Version);

public sealed record InvoiceIssued(Guid InvoiceId, string Number, int TotalCents, Guid LetterId, bool MovedToInvoiced);

public sealed class IssueInvoiceValidator : AbstractValidator<IssueInvoiceCommand>
{
    public IssueInvoiceValidator()
    {
        RuleFor(c => c.EstimatedPages).InclusiveBetween(0, 100_000).WithMessage("Estimate the pages as a number from 0 to 100,000.");
        RuleFor(c => c.PolicyFee).InclusiveBetween(0m, 10_000m).WithMessage("A policy fee is between $0 and $10,000.")
            .Must(f => f is null || decimal.Round(f.Value, 2) == f.Value).WithMessage("Give the policy fee in dollars and cents.");
        RuleFor(c => c.PolicyReason).MaximumLength(300).WithMessage("The reason is at most 300 characters.");
        RuleFor(c => c.PolicyReason).NotEmpty().When(c => c.PolicyFee is not null).WithMessage("Say why the policy fee is this amount.");
    }
}

/// <summary>
/// Issues the invoice: the calculation as shown (<see cref="FeeCalculator"/>) is kept in the invoice's lines, written as a
/// PDF (roi.letters, kind invoice) with how to pay, and noted in the timeline. A request that is ready (its packet checked)
/// moves to invoiced; an invoice issued earlier (to collect before the build, on an estimate) leaves the status as it is,
/// since the request is still being worked. One open invoice at a time: void it to issue a corrected one.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class IssueInvoiceHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    RequestTimeline timeline,
    RoiLetterStore letters,
    HospitalTime hospital,
    TimeProvider time,
    IValidator<IssueInvoiceCommand> validator) : Handler<IssueInvoiceCommand, Result<InvoiceIssued>>(permissions)
{
    public const string From = "Health Information Management - Release of Information";

    protected override async Task<Result<InvoiceIssued>> ExecuteAsync(IssueInvoiceCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync(token => IssueAsync(command, token), ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return RoiAudit.Stale;
        }
    }

    private async Task<Result<InvoiceIssued>> IssueAsync(IssueInvoiceCommand command, CancellationToken ct)
    {
        var request = await db.ReleaseRequests.SingleOrDefaultAsync(r => r.Id == command.RequestId, ct);
        if (request is null)
        {
            return Error.NotFound("There is no such request.");
        }

        if (request.Version != command.Version)
        {
            return RoiAudit.Stale;
        }

        if (RequestStatuses.Closed.Contains(request.Status))
        {
            return Error.Conflict($"The request is {request.Status}: no invoice is issued for it.");
        }

        if (await db.Invoices.AnyAsync(i => i.RequestId == request.Id && i.VoidedAt == null, ct))
        {
            return Error.Conflict("The request has an open invoice. Void it (with the reason) before issuing a corrected one.");
        }

        var policyCents = command.PolicyFee is { } fee ? RoiAudit.Cents(fee) : (int?)null;
        var (calculation, pages, _) = await FeeInputs.CalculateAsync(db, request, command.EstimatedPages, policyCents, command.PolicyReason, ct);
        if (calculation.Refusal is { } refusal)
        {
            return Error.Invalid(refusal);
        }

        if (calculation.NeedsPolicyFee)
        {
            return Error.Invalid($"No fee schedule is configured for {request.StateCode}: enter the hospital's policy fee and the reason.",
                nameof(IssueInvoiceCommand.PolicyFee));
        }

        var now = time.GetUtcNow();
        var invoice = new Invoice
        {
            Id = Guid.CreateVersion7(),
            RequestId = request.Id,
            Lines = FeeCalculator.Serialize(calculation.Lines),
            TotalCents = calculation.TotalCents,
            Basis = calculation.Basis.Length <= 400 ? calculation.Basis : calculation.Basis[..400],
            CreatedAt = now,
            CreatedByUserId = actors.Current.UserId,
        };
        db.Invoices.Add(invoice);
        await db.SaveChangesAsync(ct);
        var number = GetFeesHandler.InvoiceNumber(invoice.Number);
        var pdf = LetterPdf.Write(Letter(request, number, calculation, pages, hospital.DayOf(now)));
        var letter = await letters.SaveAsync(request.Id, request.PatientId, LetterKinds.Invoice, pdf, RoiPdf.PageCount(pdf), ct);
        invoice.LetterId = letter.Id;
        var moved = request.Status == RequestStatuses.Ready
                    && timeline.Move(request, RequestStatuses.Invoiced, $"Invoice {number} issued: {RoiAudit.Money(calculation.TotalCents)}", $"invoice {number} issued");
        if (!moved)
        {
            timeline.Note(request, "invoice", $"Invoice {number} issued: {RoiAudit.Money(calculation.TotalCents)} ({(pages.Estimated ? "estimated pages" : "packet pages")})");
        }

        db.Entry(request).Property(r => r.Version).OriginalValue = command.Version;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Create, $"invoice {number} issued; total {calculation.TotalCents} cents"), ct);
        return Result<InvoiceIssued>.Success(new InvoiceIssued(invoice.Id, number, invoice.TotalCents, letter.Id, moved));
    }

    private static LetterContent Letter(ReleaseRequest request, string number, FeeCalculation calculation, FeePages pages, DateOnly today)
    {
        var paragraphs = new List<string>
        {
            $"Invoice {number} for the copies of records you asked for under request {request.Display}. The fee is calculated as follows:",
        };
        paragraphs.AddRange(calculation.Lines.Select(l =>
            $"- {l.Description}: {l.Quantity} x {RoiAudit.Money(l.UnitCents)} = {RoiAudit.Money(l.AmountCents)} ({l.Rule})"));
        paragraphs.Add($"Total due: {RoiAudit.Money(calculation.TotalCents)}");
        paragraphs.Add($"Basis: {calculation.Basis}." + (pages.Estimated && pages.Pages > 0 ? $" Pages are estimated ({pages.Pages}); the copy is charged as invoiced." : ""));
        paragraphs.Add(calculation.TotalCents > 0
            ? $"How to pay: by check or money order payable to the hospital, or by card by telephone to the Health Information Management department, quoting {number} and {request.Display}. The records are sent when the fee is paid, where the hospital's policy requires it."
            : "Nothing is due.");
        return new LetterContent(From, [RoiAudit.Recipient(request), .. RoiAudit.AddressLines(request.RequesterAddress)], today,
            $"Invoice {number} for copies of records", paragraphs, request.Display, $"{number} - {request.Display}");
    }
}
