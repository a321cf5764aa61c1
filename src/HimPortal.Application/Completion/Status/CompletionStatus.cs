using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Status;

/// <summary>What the analysis holds for one patient (`himportal completion status --patient MRN`).</summary>
public sealed record CompletionStatusQuery(string Mrn);

public sealed class CompletionStatusValidator : AbstractValidator<CompletionStatusQuery>
{
    public CompletionStatusValidator() =>
        RuleFor(q => q.Mrn).NotEmpty().WithMessage("Give the patient's MRN.").MaximumLength(64).WithMessage("An MRN has at most 64 characters.");
}

/// <param name="Rule">The rule's name; a manual deficiency's description.</param>
/// <param name="Responsible">The responsible practitioner's NPI; null when the HIM queue holds it.</param>
/// <param name="Delinquent">Open on a stay past its delinquency date.</param>
public sealed record DeficiencyStatus(string Rule, string Status, string? Responsible, DateTimeOffset Due, bool Delinquent);

/// <param name="Encounter">The encounter's FHIR id.</param>
public sealed record StayStatus(string Encounter, DateTimeOffset Discharged, bool Complete, IReadOnlyList<DeficiencyStatus> Deficiencies);

public sealed record PatientCompletionStatus(IReadOnlyList<StayStatus> Stays);

/// <summary>The patient's analysed stays, oldest discharge first, with every deficiency (open and resolved); one audit row.</summary>
[RequiresPermission(Permissions.CompletionRun)]
public sealed class CompletionStatusHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IValidator<CompletionStatusQuery> validator,
    TimeProvider clock) : Handler<CompletionStatusQuery, Result<PatientCompletionStatus>>(permissions)
{
    protected override async Task<Result<PatientCompletionStatus>> ExecuteAsync(CompletionStatusQuery query, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<PatientCompletionStatus>>(async token =>
        {
            var patient = await db.Set<Patient>().Where(p => p.Mrn == query.Mrn).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(token);
            if (patient is not { } patientId)
            {
                return Error.NotFound("No patient has this MRN.");
            }

            var now = clock.GetUtcNow();
            var stays = await (from s in db.Stays.AsNoTracking()
                               join e in db.Set<Encounter>() on s.EncounterId equals e.Id
                               where s.PatientId == patientId
                               orderby s.DischargedAt, s.EncounterId
                               select new { s.EncounterId, e.FhirId, s.DischargedAt, s.Status, s.DelinquentAt }).ToListAsync(token);
            var deficiencies = await (from d in db.Deficiencies.AsNoTracking()
                                      where d.PatientId == patientId
                                      join r in db.CompletionRules on d.RuleId equals r.Id into rules
                                      from r in rules.DefaultIfEmpty()
                                      join p in db.Set<Practitioner>() on d.ResponsiblePractitionerId equals p.Id into responsible
                                      from p in responsible.DefaultIfEmpty()
                                      orderby d.DueAt, d.Id
                                      select new { d.EncounterId, Rule = r != null ? r.Name : d.Description, d.Status, Npi = p != null ? p.Npi : null, d.DueAt })
                .ToListAsync(token);
            var result = stays.Select(s => new StayStatus(s.FhirId, s.DischargedAt, s.Status == StayStatuses.Complete,
                [.. deficiencies.Where(d => d.EncounterId == s.EncounterId).Select(d => new DeficiencyStatus(d.Rule, d.Status, d.Npi, d.DueAt,
                    d.Status == DeficiencyStatuses.Open && s.Status != StayStatuses.Complete && s.DelinquentAt <= now))])).ToList();
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Patient", patientId.ToString("D"), patientId,
                Purpose: "HOPERAT", Details: $"completion.status: stays={result.Count}"), token);
            return Result<PatientCompletionStatus>.Success(new PatientCompletionStatus(result));
        }, ct);
    }
}
