using System.Globalization;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Patients.Matching;
using HimPortal.Data;

namespace HimPortal.Application.Mpi.UpdateMatchSettings;

public sealed record FieldWeightInput(string Field, double M, double U);

/// <param name="Version">The settings row's version the manager saw.</param>
public sealed record UpdateMatchSettingsCommand(
    bool AutoLinkEnabled, double AutoLinkThreshold, double ReviewThreshold, bool SecondReviewerForClinicalData, IReadOnlyList<FieldWeightInput> Fields, uint Version);

public sealed class UpdateMatchSettingsValidator : AbstractValidator<UpdateMatchSettingsCommand>
{
    public UpdateMatchSettingsValidator()
    {
        RuleFor(c => c.ReviewThreshold).GreaterThan(0).LessThanOrEqualTo(1).WithMessage("The review threshold is a probability above 0 and at most 1.");
        RuleFor(c => c.AutoLinkThreshold).LessThanOrEqualTo(1).WithMessage("The auto-link threshold is a probability of at most 1.");
        RuleFor(c => c).Must(c => c.ReviewThreshold <= c.AutoLinkThreshold).WithName("AutoLinkThreshold")
            .WithMessage("The auto-link threshold must be at or above the review threshold.");
        RuleForEach(c => c.Fields).ChildRules(field =>
        {
            field.RuleFor(f => f.Field).Must(f => MatchWeights.Default.Fields().Any(d => d.Field == f)).WithMessage("No such field.");
            field.RuleFor(f => f.U).GreaterThan(0).WithMessage(f => $"{f.Field}: u must be above 0.");
            field.RuleFor(f => f.M).LessThan(1).WithMessage(f => $"{f.Field}: m must be below 1.");
            field.RuleFor(f => f).Must(f => f.U < f.M).WithName("M")
                .WithMessage(f => $"{f.Field}: m (agreement among true matches) must be above u (agreement by chance).");
        });
    }
}

/// <summary>
/// An HIM manager changes the matcher's thresholds, switches and per-field m/u (issue 16 item 1: "configurable by HIM
/// managers"), validated (0 &lt; u &lt; m &lt; 1, thresholds ordered), with optimistic concurrency on the row's version,
/// audited as an administrative change naming every value set. New scores use them; stored pairs keep theirs until
/// scored again.
/// </summary>
[RequiresPermission(Permissions.MpiConfigure)]
public sealed class UpdateMatchSettingsHandler(
    PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, IValidator<UpdateMatchSettingsCommand> validator, TimeProvider clock)
    : Handler<UpdateMatchSettingsCommand, Result<bool>>(permissions)
{
    private const string Conflict = "Someone changed the matching settings since you opened them. Reload the page.";

    protected override async Task<Result<bool>> ExecuteAsync(UpdateMatchSettingsCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<bool>>(async token =>
        {
            var current = await MatchSettingsStore.ReadAsync(db, token);
            var weights = command.Fields.Aggregate(current.Weights, (w, f) => w.With(f.Field, new FieldWeight(f.M, f.U)));
            var saved = await MatchSettingsStore.UpdateAsync(db, new MatchConfiguration(command.AutoLinkEnabled, command.AutoLinkThreshold,
                command.ReviewThreshold, command.SecondReviewerForClinicalData, weights, command.Version), actors.Current.UserId, clock.GetUtcNow(), token);
            if (!saved)
            {
                return Error.Conflict(Conflict);
            }

            var fields = string.Join("; ", weights.Fields().Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Field} m={f.Weight.M} u={f.Weight.U}")));
            await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "MatchSettings", "1",
                Details: string.Create(CultureInfo.InvariantCulture,
                    $"matching settings; auto-link={command.AutoLinkEnabled} at {command.AutoLinkThreshold}; review at {command.ReviewThreshold}; second-reviewer={command.SecondReviewerForClinicalData}; {fields}")),
                token);
            return Result<bool>.Success(true);
        }, ct);
    }
}
