using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Accounting.FindAccountingPatients;

/// <summary>Find a patient for their accounting: by MRN (exact) or by family name (starts with); keyset paged by id.</summary>
public sealed record FindAccountingPatientsQuery(string? Mrn, string? FamilyName, Guid? After = null, int PageSize = 25);

public sealed record AccountingPatientRow(Guid Id, string Name, string? Mrn, DateOnly? BirthDate);

public sealed record AccountingPatientPage(IReadOnlyList<AccountingPatientRow> Patients, Guid? NextAfter);

public sealed class FindAccountingPatientsValidator : AbstractValidator<FindAccountingPatientsQuery>
{
    public FindAccountingPatientsValidator()
    {
        RuleFor(q => q).Must(q => !string.IsNullOrWhiteSpace(q.Mrn) || (q.FamilyName?.Trim().Length ?? 0) >= 2)
            .WithName("Mrn").WithMessage("Enter an MRN, or at least two letters of the family name.");
        RuleFor(q => q.PageSize).InclusiveBetween(1, 100);
    }
}

[RequiresPermission(Permissions.RoiProcess)]
public sealed class FindAccountingPatientsHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IValidator<FindAccountingPatientsQuery> validator)
    : Handler<FindAccountingPatientsQuery, Result<AccountingPatientPage>>(permissions)
{
    protected override async Task<Result<AccountingPatientPage>> ExecuteAsync(FindAccountingPatientsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<AccountingPatientPage>>(async token =>
        {
            var patients = db.Set<Patient>().AsNoTracking();
            if (!string.IsNullOrWhiteSpace(query.Mrn))
            {
                var mrn = query.Mrn.Trim();
                patients = patients.Where(p => p.Mrn == mrn);
            }
            else
            {
                var family = query.FamilyName!.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                    .Replace("_", "\\_", StringComparison.Ordinal) + "%";
                patients = patients.Where(p => p.FamilyName != null && EF.Functions.ILike(p.FamilyName, family));
            }

            if (query.After is { } after)
            {
                patients = patients.Where(p => p.Id.CompareTo(after) > 0);
            }

            var rows = await patients.OrderBy(p => p.Id).Take(query.PageSize + 1)
                .Select(p => new AccountingPatientRow(p.Id, ((p.GivenNames ?? "") + " " + (p.FamilyName ?? "")).Trim(), p.Mrn, p.BirthDate))
                .ToListAsync(token);
            var next = rows.Count > query.PageSize ? rows[query.PageSize - 1].Id : (Guid?)null;
            await audit.RecordAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, GetAccounting.GetAccountingHandler.ResourceType, null, null,
                "release of information", $"accounting patient search: {Math.Min(rows.Count, query.PageSize)} result(s)"), token);
            return Result<AccountingPatientPage>.Success(new AccountingPatientPage(rows.Take(query.PageSize).ToList(), next));
        }, ct);
    }
}
