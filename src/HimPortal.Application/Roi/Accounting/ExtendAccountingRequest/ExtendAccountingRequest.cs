using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Clocks;
using HimPortal.Application.Common.Letters;
using HimPortal.Application.Roi.Fees.IssueInvoice;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Accounting.ExtendAccountingRequest;

public sealed record ExtendAccountingRequestCommand(Guid RequestId, string? Reason, uint Version);

public sealed record AccountingExtended(DateOnly DueDay, DateTimeOffset DueAt, Guid NoticeLetterId);

public sealed class ExtendAccountingRequestValidator : AbstractValidator<ExtendAccountingRequestCommand>
{
    public ExtendAccountingRequestValidator()
    {
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Give the reasons for the delay: the notice tells the patient.").MaximumLength(1000);
    }
}

/// <summary>
/// The one 30-day extension of an accounting (164.528(c)(1)(ii)): only before the first 60 days end, with a written
/// notice giving the reasons and the new date (kept as an extension-notice letter).
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class ExtendAccountingRequestHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    RoiLetterStore letters,
    RegulatoryClock clock,
    HospitalTime hospital,
    TimeProvider time,
    IValidator<ExtendAccountingRequestCommand> validator) : Handler<ExtendAccountingRequestCommand, Result<AccountingExtended>>(permissions)
{
    protected override async Task<Result<AccountingExtended>> ExecuteAsync(ExtendAccountingRequestCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync<Result<AccountingExtended>>(async token =>
            {
                var request = await db.AccountingRequests.SingleOrDefaultAsync(r => r.Id == command.RequestId, token);
                if (request is null)
                {
                    return Error.NotFound("There is no such accounting request.");
                }

                if (request.Version != command.Version)
                {
                    return RoiAudit.Stale;
                }

                var now = time.GetUtcNow();
                if (request.AnsweredAt is not null || request.ExtensionNoticeAt is not null)
                {
                    return Error.Conflict(request.AnsweredAt is not null ? "The accounting was already given." : "The one extension was already taken (45 CFR 164.528(c)(1)(ii)).");
                }

                if (now >= request.DueAt)
                {
                    return Error.Conflict("The 60 days have ended: the extension notice had to go out before them (45 CFR 164.528(c)(1)(ii)).");
                }

                var due = clock.Due(RegulatoryRules.AccountingOfDisclosures, request.ReceivedAt, extensionsUsed: 1);
                var patient = await db.Set<Patient>().AsNoTracking().SingleAsync(p => p.Id == request.PatientId, token);
                var pdf = LetterPdf.Write(new LetterContent(IssueInvoiceHandler.From, AnswerAccountingRequest.AnswerAccountingRequestHandler.PatientLines(patient),
                    hospital.DayOf(now), "Your request for an accounting of disclosures: extension",
                    [
                        $"We received your request for an accounting of disclosures on {hospital.DayOf(request.ReceivedAt):MMMM d, yyyy}. We need more time to give it, for these reasons: {command.Reason!.Trim()}",
                        $"You will receive the accounting no later than {due.DueDay:MMMM d, yyyy} ({due.Citation}).",
                    ], null, "Accounting of disclosures - extension notice"));
                var letter = await letters.SaveAsync(null, request.PatientId, LetterKinds.ExtensionNotice, pdf, 1, token);
                request.ExtensionNoticeAt = now;
                request.DueDay = due.DueDay;
                request.DueAt = due.DueAt;
                db.Entry(request).Property(r => r.Version).OriginalValue = command.Version;
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, GetAccounting.GetAccountingHandler.ResourceType,
                    request.PatientId.ToString("D"), request.PatientId, "release of information",
                    $"accounting request {request.Id:D} extended to {due.DueDay:yyyy-MM-dd}"), token);
                return Result<AccountingExtended>.Success(new AccountingExtended(due.DueDay, due.DueAt, letter.Id));
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return RoiAudit.Stale;
        }
    }
}
