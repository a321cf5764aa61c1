using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Him.FindStays;

public sealed record FindStaysQuery(string Mrn);

public sealed record FoundStay(Guid EncounterId, Guid PatientId, string PatientName, string EncounterClass, DateTimeOffset? AdmittedAt, DateTimeOffset DischargedAt,
    string Status, int OpenDeficiencies, DateTimeOffset DelinquentAt);

public sealed class FindStaysValidator : AbstractValidator<FindStaysQuery>
{
    public FindStaysValidator() =>
        RuleFor(q => q.Mrn).NotEmpty().WithMessage("Enter the patient's MRN.").MaximumLength(64).WithMessage("An MRN is at most 64 characters.");
}

/// <summary>The stays chart completion holds for one patient, found by MRN (newest discharge first); audited as a search naming the patient.</summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class FindStaysHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IValidator<FindStaysQuery> validator)
    : Handler<FindStaysQuery, Result<IReadOnlyList<FoundStay>>>(permissions)
{
    protected override async Task<Result<IReadOnlyList<FoundStay>>> ExecuteAsync(FindStaysQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var mrn = query.Mrn.Trim();
        var rows = await (
                from p in db.Set<Patient>().AsNoTracking().Where(p => p.Mrn == mrn)
                join s in db.Stays on p.Id equals s.PatientId
                orderby s.DischargedAt descending
                select new { s.EncounterId, s.PatientId, p.GivenNames, p.FamilyName, s.EncounterClass, s.AdmittedAt, s.DischargedAt, s.Status, s.OpenDeficiencies, s.DelinquentAt })
            .Take(200).ToListAsync(ct);
        var found = rows.Select(r => new FoundStay(r.EncounterId, r.PatientId, ListHimQueue.ListHimQueueHandler.PatientName(r.GivenNames, r.FamilyName), r.EncounterClass,
            r.AdmittedAt, r.DischargedAt, r.Status, r.OpenDeficiencies, r.DelinquentAt)).ToList();
        await audit.RecordAloneAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, HimAudit.ResourceType, PatientId: found.FirstOrDefault()?.PatientId,
            Purpose: HimAudit.Purpose, Details: $"completion.find-stays; by MRN; {found.Count} stays"), ct);
        return Result<IReadOnlyList<FoundStay>>.Success(found);
    }
}
