using FluentValidation;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.Sensitivity.GetPatientLabels;

/// <param name="Items">Only these items (and labels on the whole record); null for the whole record.</param>
/// <param name="IncludeRemoved">Removed labels too, with who removed them and why.</param>
public sealed record GetPatientLabelsQuery(Guid PatientId, IReadOnlyList<ItemRef>? Items = null, bool IncludeRemoved = false) : IPatientRequest;

public sealed class GetPatientLabelsValidator : AbstractValidator<GetPatientLabelsQuery>
{
    public GetPatientLabelsValidator()
    {
        RuleFor(q => q.Items!.Count).LessThanOrEqualTo(5000).When(q => q.Items is not null).WithName("Items")
            .WithMessage("Ask for at most 5,000 items at a time.");
        RuleForEach(q => q.Items).Must(i => LabelledItems.IsSupported(i.ResourceType))
            .WithMessage($"Items are one of: {string.Join(", ", LabelledItems.Supported)}.");
    }
}

/// <summary>
/// The sensitivity labels in force on a patient's record (or on some of its items), and optionally their history.
/// A label says what a record holds (an HIV label says "HIV"), so reading them is reading patient data: audited, in the
/// same transaction, and open only to those who label records or release them (Sensitivity.Read).
/// </summary>
[RequiresPermission(Permissions.SensitivityRead)]
public sealed class GetPatientLabelsHandler(
    PermissionCheck permissions,
    HimDbContext db,
    SensitivityReader reader,
    AccessAudit audit,
    IValidator<GetPatientLabelsQuery> validator) : Handler<GetPatientLabelsQuery, Result<PatientSensitivity>>(permissions)
{
    protected override async Task<Result<PatientSensitivity>> ExecuteAsync(GetPatientLabelsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<PatientSensitivity>>(async token =>
        {
            if (!await db.Set<Patient>().AnyAsync(p => p.Id == query.PatientId, token))
            {
                return SensitivityErrors.NotFound;
            }

            var labels = await reader.ReadAsync(query.PatientId, query.Items, query.IncludeRemoved, token);
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "SensitivityLabels", null, query.PatientId,
                Purpose: "HOPERAT",
                Details: $"in force={labels.InForce.Count()}; items={(query.Items is null ? "all" : query.Items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))}; history={query.IncludeRemoved}"),
                token);
            return Result<PatientSensitivity>.Success(labels);
        }, ct);
    }
}
