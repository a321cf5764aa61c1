using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Clocks;
using HimPortal.Application.Roi.Accounting;
using HimPortal.Application.Roi.Accounting.AnswerAccountingRequest;
using HimPortal.Application.Roi.Accounting.GetAccounting;
using HimPortal.Application.Roi.Accounting.RequestAccounting;
using HimPortal.Application.Roi.Fees.GetInvoicePdf;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Portal.MyAccounting;

public sealed record RequestMyAccountingCommand(Guid PatientId, DateOnly? From, DateOnly? To) : IPatientRequest;

/// <param name="Ready">Answered at once: the accounting can be downloaded now.</param>
public sealed record MyAccountingRequested(Guid Id, bool Ready, DateOnly DueDay, bool Free);

public sealed record ListMyAccountingsQuery(Guid PatientId, string? After = null, int PageSize = 20) : IPatientRequest;

/// <summary>One accounting the person asked for: its period, when it is due, and whether it is ready.</summary>
public sealed record MyAccountingItem(Guid Id, DateTimeOffset ReceivedAt, DateOnly PeriodFrom, DateOnly PeriodTo, DateOnly DueDay, bool Ready, int FeeCents);

public sealed record MyAccountings(IReadOnlyList<MyAccountingItem> Items, string? Next);

public sealed record GetMyAccountingQuery(Guid PatientId, Guid RequestId) : IPatientRequest;

public sealed class RequestMyAccountingValidator : AbstractValidator<RequestMyAccountingCommand>
{
    public RequestMyAccountingValidator()
    {
        RuleFor(c => c.From).NotNull().WithMessage("Enter the first day of the period.");
        RuleFor(c => c.To).NotNull().WithMessage("Enter the last day of the period.");
        RuleFor(c => c.To).GreaterThanOrEqualTo(c => c.From).When(c => c.From is not null && c.To is not null).WithMessage("The period ends before it starts.");
    }
}

/// <summary>
/// The patient asks for the accounting of disclosures in the portal (45 CFR 164.528; issue 19 item 6): a period of at most
/// the six years before today (164.528(a)(3)), logged as release of information's accounting request (channel portal, the
/// 60-day clock of 164.528(c)(1)). The first in any 12 months is free (164.528(c)(2)) and is answered at once, since the
/// ledger can produce it now: the same letter the specialist gives. A later one may carry a cost-based fee the patient must
/// be told first, so it waits in the specialist's accounting requests and the portal shows when it is ready.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class RequestMyAccountingHandler(
    PermissionCheck permissions,
    HimDbContext db,
    ChartGate gate,
    AccessAudit audit,
    IAuditActorAccessor actors,
    RoiLetterStore letters,
    RegulatoryClock clock,
    HospitalTime hospital,
    TimeProvider time,
    IValidator<RequestMyAccountingCommand> validator) : Handler<RequestMyAccountingCommand, Result<MyAccountingRequested>>(permissions)
{
    protected override async Task<Result<MyAccountingRequested>> ExecuteAsync(RequestMyAccountingCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var now = time.GetUtcNow();
        var today = hospital.DayOf(now);
        if (command.From!.Value < today.AddYears(-AccountingLedger.Years))
        {
            return Error.Invalid("An accounting covers at most the six years before today.", nameof(RequestMyAccountingCommand.From));
        }

        if (command.To!.Value > today)
        {
            return Error.Invalid("The period cannot end after today.", nameof(RequestMyAccountingCommand.To));
        }

        return await db.InTransactionAsync<Result<MyAccountingRequested>>(async token =>
        {
            var entry = await PortalDoor.OpenAsync(gate, audit, command.PatientId, AuditAction.Create, GetAccountingHandler.ResourceType, null, "accounting.request", token);
            if (entry is null)
            {
                return Error.NotFound("There is no such record.");
            }

            var first = await RequestAccountingHandler.IsFirstAsync(db, entry.Patient.Id, now, token);
            var (request, due) = RequestAccountingHandler.New(clock, entry.Patient.Id, command.From.Value, command.To.Value, AccountingChannels.Portal, now, 0,
                actors.Current.UserId);
            db.AccountingRequests.Add(request);
            await db.SaveChangesAsync(token);
            var answered = "";
            if (first)
            {
                var lists = await AnswerAccountingRequestHandler.WriteAsync(db, letters, hospital, request, now, token);
                await db.SaveChangesAsync(token);
                answered = $"; answered at once: {lists.Required.Count} accountable, {lists.Others.Count} other";
            }

            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, GetAccountingHandler.ResourceType, entry.Patient.Id.ToString("D"),
                entry.Patient.Id, "PATRQT", $"portal.accounting.request; accounting request {request.Id:D}; due {due.DueDay:yyyy-MM-dd}{answered}; {PortalDoor.Reader(entry)}"), token);
            return Result<MyAccountingRequested>.Success(new MyAccountingRequested(request.Id, first, due.DueDay, first));
        }, ct);
    }
}

/// <summary>The person's accounting requests, newest first, keyset paged: when each is due and whether it is ready to download.</summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class ListMyAccountingsHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate, AccessAudit audit)
    : Handler<ListMyAccountingsQuery, Result<MyAccountings>>(permissions)
{
    protected override async Task<Result<MyAccountings>> ExecuteAsync(ListMyAccountingsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (KeysetCursor.Read(query.After, "open your accountings again", out var after) is { } badLink)
        {
            return badLink;
        }

        var size = Math.Clamp(query.PageSize, 1, 100);
        return await db.InTransactionAsync<Result<MyAccountings>>(async token =>
        {
            var entry = await PortalDoor.OpenAsync(gate, audit, query.PatientId, AuditAction.View, GetAccountingHandler.ResourceType, null, "accounting", token);
            if (entry is null)
            {
                return Error.NotFound("There is no such record.");
            }

            var records = entry.Patient.RecordIds;
            var requests = db.AccountingRequests.AsNoTracking().Where(r => records.Contains(r.PatientId));
            if (after is { } cursor)
            {
                requests = requests.Where(r => r.ReceivedAt < cursor.At || (r.ReceivedAt == cursor.At && r.Id.CompareTo(cursor.Id) < 0));
            }

            var rows = await requests.OrderByDescending(r => r.ReceivedAt).ThenByDescending(r => r.Id).Take(size + 1)
                .Select(r => new MyAccountingItem(r.Id, r.ReceivedAt, r.PeriodFrom, r.PeriodTo, r.DueDay, r.LetterId != null && r.AnsweredAt != null, r.FeeCents))
                .ToListAsync(token);
            var next = rows.Count > size ? new KeysetCursor(rows[size - 1].ReceivedAt, rows[size - 1].Id).ToString() : null;
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, GetAccountingHandler.ResourceType, entry.Patient.Id.ToString("D"),
                entry.Patient.Id, "PATRQT", $"portal.accounting; {Math.Min(rows.Count, size)} request(s) shown; {PortalDoor.Reader(entry)}"), token);
            return Result<MyAccountings>.Success(new MyAccountings(rows.Take(size).ToList(), next));
        }, ct);
    }
}

/// <summary>The accounting as it was given, for the person only (another person's request id is not found, and audited).</summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class GetMyAccountingHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate, AccessAudit audit, RoiLetterStore letters)
    : Handler<GetMyAccountingQuery, Result<RoiFile>>(permissions)
{
    protected override async Task<Result<RoiFile>> ExecuteAsync(GetMyAccountingQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<RoiFile>>(async token =>
        {
            var entry = await PortalDoor.OpenAsync(gate, audit, query.PatientId, AuditAction.Print, GetAccountingHandler.ResourceType, query.RequestId.ToString("D"),
                "accounting.download", token);
            if (entry is null)
            {
                return Error.NotFound("There is no such accounting.");
            }

            var records = entry.Patient.RecordIds;
            var request = await db.AccountingRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.RequestId && records.Contains(r.PatientId), token);
            if (request?.LetterId is not { } letterId || await letters.ReadAsync(letterId, token) is not { } pdf)
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.Print, AuditOutcome.Denied, GetAccountingHandler.ResourceType, query.RequestId.ToString("D"),
                    entry.Patient.Id, request is null ? "not one of this person's accountings" : "not answered yet", "portal.accounting.download; outcome=not-found"), token);
                return Error.NotFound("There is no such accounting, or it is not ready yet.");
            }

            await audit.RecordAsync(new AuditRecord(AuditAction.Print, AuditOutcome.Success, GetAccountingHandler.ResourceType, entry.Patient.Id.ToString("D"),
                entry.Patient.Id, "PATRQT", $"portal.accounting.download; accounting letter {letterId:D}; {PortalDoor.Reader(entry)}"), token);
            return Result<RoiFile>.Success(new RoiFile(pdf, $"accounting-{request.ReceivedAt:yyyyMMdd}.pdf", "application/pdf"));
        }, ct);
    }
}
