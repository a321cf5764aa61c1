using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Clocks;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Accounting.RequestAccounting;

/// <summary>
/// A patient's request for an accounting (164.528(c)). <paramref name="ReceivedAt"/> defaults to now. <paramref name="Fee"/>
/// (dollars) is needed only when it is not the first request in 12 months: the cost-based fee the patient was told in advance.
/// </summary>
public sealed record RequestAccountingCommand(
    Guid PatientId,
    DateOnly? PeriodFrom,
    DateOnly? PeriodTo,
    string Channel = AccountingChannels.Staff,
    decimal? Fee = null,
    DateTimeOffset? ReceivedAt = null) : IPatientRequest;

public static class AccountingChannels
{
    public const string Staff = "staff";
    public const string Portal = "portal";
}

public sealed record AccountingRequested(Guid Id, DateOnly DueDay, DateTimeOffset DueAt, string Citation, int FeeCents, bool FirstInTwelveMonths);

public sealed class RequestAccountingValidator : AbstractValidator<RequestAccountingCommand>
{
    public RequestAccountingValidator()
    {
        RuleFor(c => c.PeriodFrom).NotNull().WithMessage("Enter the first day of the period asked for.");
        RuleFor(c => c.PeriodTo).NotNull().WithMessage("Enter the last day of the period asked for.");
        RuleFor(c => c.PeriodTo).GreaterThanOrEqualTo(c => c.PeriodFrom).When(c => c.PeriodFrom is not null && c.PeriodTo is not null)
            .WithMessage("The period ends before it starts.");
        RuleFor(c => c.Channel).Must(c => c is AccountingChannels.Staff or AccountingChannels.Portal).WithMessage("Unknown channel.");
        RuleFor(c => c.Fee).InclusiveBetween(0m, 1000m).WithMessage("The fee is between $0 and $1,000.")
            .Must(f => f is null || decimal.Round(f.Value, 2) == f.Value).WithMessage("Give the fee in dollars and cents.");
    }
}

/// <summary>
/// Logs a patient's request for an accounting of disclosures: the period (at most the six years before the request,
/// 164.528(a)(3)), the clock (60 days, one 30-day extension with a written notice, 164.528(c)(1); RegulatoryRules
/// AccountingOfDisclosures), and the fee: the first accounting in any 12 months is free; a later one may carry a reasonable
/// cost-based fee, told to the patient in advance so they may withdraw or narrow it (164.528(c)(2)).
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class RequestAccountingHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    RegulatoryClock clock,
    HospitalTime hospital,
    TimeProvider time,
    IValidator<RequestAccountingCommand> validator) : Handler<RequestAccountingCommand, Result<AccountingRequested>>(permissions)
{
    protected override async Task<Result<AccountingRequested>> ExecuteAsync(RequestAccountingCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var received = command.ReceivedAt ?? time.GetUtcNow();
        var day = hospital.DayOf(received);
        if (command.PeriodFrom!.Value < day.AddYears(-AccountingLedger.Years))
        {
            return Error.Invalid("An accounting covers at most the six years before the request (45 CFR 164.528(a)(3)).", nameof(RequestAccountingCommand.PeriodFrom));
        }

        if (command.PeriodTo!.Value > day)
        {
            return Error.Invalid("The period cannot end after the day the request was received.", nameof(RequestAccountingCommand.PeriodTo));
        }

        return await db.InTransactionAsync<Result<AccountingRequested>>(async token =>
        {
            if (!await db.Set<Patient>().AnyAsync(p => p.Id == command.PatientId, token))
            {
                return Error.NotFound("There is no such patient.");
            }

            var first = await IsFirstAsync(db, command.PatientId, received, token);
            if (!first && command.Fee is null)
            {
                return Error.Invalid("This is not the patient's first accounting in 12 months: enter the cost-based fee they were told in advance (0 to waive it).",
                    nameof(RequestAccountingCommand.Fee));
            }

            var (request, due) = New(clock, command.PatientId, command.PeriodFrom.Value, command.PeriodTo.Value, command.Channel, received,
                first ? 0 : RoiAudit.Cents(command.Fee!.Value), actors.Current.UserId);
            db.AccountingRequests.Add(request);
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, GetAccounting.GetAccountingHandler.ResourceType,
                command.PatientId.ToString("D"), command.PatientId, "release of information",
                $"accounting request {request.Id:D} logged; due {due.DueDay:yyyy-MM-dd}; fee {request.FeeCents} cents"), token);
            return Result<AccountingRequested>.Success(new AccountingRequested(request.Id, due.DueDay, due.DueAt, due.Citation, request.FeeCents, first));
        }, ct);
    }

    /// <summary>Whether no accounting was asked for in the 12 months before <paramref name="received"/>: then it is free (164.528(c)(2)).</summary>
    public static async Task<bool> IsFirstAsync(HimDbContext db, Guid patientId, DateTimeOffset received, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var yearAgo = received.AddMonths(-12);
        return !await db.AccountingRequests.AnyAsync(r => r.PatientId == patientId && r.ReceivedAt > yearAgo && r.ReceivedAt <= received, ct);
    }

    /// <summary>A new request on the accounting's clock (60 days, 164.528(c)(1)); the caller adds it in its transaction.</summary>
    public static (AccountingRequest Request, ClockDeadline Due) New(RegulatoryClock clock, Guid patientId, DateOnly from, DateOnly to, string channel,
        DateTimeOffset received, int feeCents, Guid? userId)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var due = clock.Due(RegulatoryRules.AccountingOfDisclosures, received);
        return (new AccountingRequest
        {
            Id = Guid.CreateVersion7(),
            PatientId = patientId,
            ReceivedAt = received,
            PeriodFrom = from,
            PeriodTo = to,
            Channel = channel,
            DueDay = due.DueDay,
            DueAt = due.DueAt,
            FeeCents = feeCents,
            CreatedByUserId = userId,
        }, due);
    }
}
