using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Accounting.GetAccounting;

/// <summary>A patient's accounting for a period (default: the six years before today).</summary>
public sealed record GetAccountingQuery(Guid PatientId, DateOnly? From = null, DateOnly? To = null) : IPatientRequest;

public sealed record AccountingPatient(Guid Id, string Name, string? Mrn, DateOnly? BirthDate);

public sealed record SuspensionView(Guid Id, string Agency, string Statement, bool Oral, DateOnly From, DateOnly Until, bool Active);

public sealed record AccountingRequestView(Guid Id, DateTimeOffset ReceivedAt, DateOnly PeriodFrom, DateOnly PeriodTo, string Channel, DateOnly DueDay,
    DateTimeOffset DueAt, DateTimeOffset? ExtensionNoticeAt, int FeeCents, Guid? LetterId, DateTimeOffset? AnsweredAt, bool Overdue, uint Version);

public sealed record AccountingView(
    AccountingPatient Patient,
    DateOnly From,
    DateOnly To,
    AccountingLists Lists,
    IReadOnlyList<SuspensionView> Suspensions,
    IReadOnlyList<AccountingRequestView> Requests);

/// <summary>
/// The patient's accounting of disclosures as staff see it: the list 164.528 requires, what a suspension withholds now,
/// and apart, the other releases the rule excludes. The portal (issue 19) calls the same handler for the patient's own.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class GetAccountingHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, HospitalTime hospital, TimeProvider time)
    : Handler<GetAccountingQuery, Result<AccountingView>>(permissions)
{
    public const string ResourceType = "Accounting";

    protected override async Task<Result<AccountingView>> ExecuteAsync(GetAccountingQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var now = time.GetUtcNow();
        var today = hospital.DayOf(now);
        var to = query.To ?? today;
        var from = query.From ?? to.AddYears(-AccountingLedger.Years);
        if (from > to)
        {
            return Error.Invalid("The period starts after it ends.", nameof(GetAccountingQuery.From));
        }

        if (from < to.AddYears(-AccountingLedger.Years))
        {
            return Error.Invalid("An accounting covers at most six years (45 CFR 164.528(a)(1)).", nameof(GetAccountingQuery.From));
        }

        return await db.InTransactionAsync<Result<AccountingView>>(async token =>
        {
            var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == query.PatientId)
                .Select(p => new AccountingPatient(p.Id, ((p.GivenNames ?? "") + " " + (p.FamilyName ?? "")).Trim(), p.Mrn, p.BirthDate))
                .SingleOrDefaultAsync(token);
            if (patient is null)
            {
                return Error.NotFound("There is no such patient.");
            }

            var lists = await AccountingLedger.ReadAsync(db, hospital, patient.Id, from, to, now, token);
            var suspensions = await db.AccountingSuspensions.AsNoTracking().Where(s => s.PatientId == patient.Id).OrderByDescending(s => s.From)
                .Select(s => new SuspensionView(s.Id, s.Agency, s.Statement, s.Oral, s.From, s.Until, s.From <= today && s.Until >= today))
                .ToListAsync(token);
            var requests = await db.AccountingRequests.AsNoTracking().Where(r => r.PatientId == patient.Id).OrderByDescending(r => r.ReceivedAt)
                .Select(r => new AccountingRequestView(r.Id, r.ReceivedAt, r.PeriodFrom, r.PeriodTo, r.Channel, r.DueDay, r.DueAt, r.ExtensionNoticeAt, r.FeeCents,
                    r.LetterId, r.AnsweredAt, r.AnsweredAt == null && r.DueAt < now, r.Version))
                .ToListAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, ResourceType, patient.Id.ToString("D"), patient.Id,
                "release of information", $"accounting of disclosures {from:yyyy-MM-dd}..{to:yyyy-MM-dd}"), token);
            return Result<AccountingView>.Success(new AccountingView(patient, from, to, lists, suspensions, requests));
        }, ct);
    }
}
