using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;

namespace HimPortal.Application.Patients.IdentifyPatients;

/// <summary>Who the patients behind a list of ids are (a job's result keeps ids only), for the page that lists them.</summary>
/// <param name="ResourceType">What lists them, for the audit ("Job").</param>
/// <param name="ResourceId">Which one ("the job's id").</param>
public sealed record IdentifyPatientsQuery(IReadOnlyList<Guid> PatientIds, string ResourceType, string? ResourceId);

public sealed record IdentifiedPatient(Guid Id, string Name, DateOnly? BirthDate, string? Mrn);

public sealed class IdentifyPatientsValidator : AbstractValidator<IdentifyPatientsQuery>
{
    /// <summary>A page names at most this many patients at once: each is a chart opened and an audit row.</summary>
    public const int MaxPatients = 100;

    public IdentifyPatientsValidator()
    {
        RuleFor(q => q.PatientIds).Must(ids => ids.Count <= MaxPatients)
            .WithMessage($"At most {MaxPatients} patients can be named at once.");
        RuleFor(q => q.ResourceType).NotEmpty().MaximumLength(64);
        RuleFor(q => q.ResourceId).MaximumLength(128);
    }
}

/// <summary>
/// Names the patients of a list for a reader who may see demographics (Charts.Demographics). Each patient's chart is
/// opened through the gate, as the reader: one the rules would not show the demographics of (a physician without a
/// relationship) is left out unnamed. Each patient named is a view of that patient's demographics, audited in the same
/// transaction as the read, so "who accessed patient X" finds the page that showed their name.
/// </summary>
[RequiresPermission(Permissions.ChartsDemographics)]
public sealed class IdentifyPatientsHandler(
    PermissionCheck permissions,
    HimDbContext db,
    ChartGate gate,
    AccessAudit audit,
    IValidator<IdentifyPatientsQuery> validator) : Handler<IdentifyPatientsQuery, Result<IReadOnlyList<IdentifiedPatient>>>(permissions)
{
    protected override async Task<Result<IReadOnlyList<IdentifiedPatient>>> ExecuteAsync(IdentifyPatientsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync(async token =>
        {
            var named = new List<IdentifiedPatient>();
            foreach (var id in query.PatientIds.Distinct())
            {
                var entry = await gate.OpenAsync(id, token);
                if (entry is null || !entry.Access.Shows(ChartSection.Demographics))
                {
                    continue;
                }

                await audit.RecordAsync(ChartGate.ViewRecord(entry, query.ResourceType, query.ResourceId, [ChartSection.Demographics]), token);
                named.Add(new IdentifiedPatient(entry.Patient.Id, entry.Patient.Name, entry.Patient.BirthDate, entry.Patient.Mrn));
            }

            return Result<IReadOnlyList<IdentifiedPatient>>.Success(named);
        }, ct);
    }
}
