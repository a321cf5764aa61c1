using System.Globalization;
using FluentValidation;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Access;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.Sensitivity.SaveLabel;

/// <summary>A code that labels an item automatically.</summary>
/// <param name="Prefix">Whether the code matches every code it begins (ICD-10-CM categories).</param>
public sealed record CodeRuleInput(string CodeSystem, string Code, bool Prefix = false);

/// <param name="Version">The label's row version the user saw; null to add a new label.</param>
/// <param name="Codes">The complete list of codes that label items automatically (replaces the current one).</param>
public sealed record SaveLabelCommand(
    string Code,
    string CodeSystem,
    string Title,
    string Regulation,
    bool BlocksReleaseWithoutAuthorization,
    bool LabelsEncounter,
    bool Active,
    IReadOnlyList<CodeRuleInput> Codes,
    uint? Version);

public sealed class SaveLabelValidator : AbstractValidator<SaveLabelCommand>
{
    /// <summary>The code systems the automatic rules can match (the record's coded columns use these).</summary>
    public static readonly IReadOnlyList<string> RuleSystems = [SensitivitySeed.Snomed, SensitivitySeed.Loinc, SensitivitySeed.Icd10Cm, SensitivitySeed.RxNorm];

    public SaveLabelValidator()
    {
        RuleFor(c => c.Code).NotEmpty().MaximumLength(40).Matches("^[A-Za-z0-9_.-]+$")
            .WithMessage("A label code is letters, digits, '.', '-' or '_' (an HL7 ActCode such as HIV, or the hospital's own).");
        RuleFor(c => c.CodeSystem).NotEmpty().MaximumLength(200);
        RuleFor(c => c.Title).NotEmpty().WithMessage("Give the label a title.").MaximumLength(200);
        RuleFor(c => c.Regulation).NotEmpty().WithMessage("Name the law or policy that makes this information sensitive.").MaximumLength(300);
        RuleFor(c => c.Codes).NotNull();
        RuleForEach(c => c.Codes).ChildRules(code =>
        {
            code.RuleFor(r => r.CodeSystem).Must(s => RuleSystems.Contains(s))
                .WithMessage($"Codes are matched in {string.Join(", ", RuleSystems)}.");
            code.RuleFor(r => r.Code).NotEmpty().MaximumLength(64);
        });
        RuleFor(c => c.Codes).Must(codes => codes is null || codes.Select(r => (r.CodeSystem, r.Code.Trim())).Distinct().Count() == codes.Count)
            .WithMessage("Each code once.");
    }
}

/// <summary>
/// Adds a sensitivity label or changes one (title, regulation, whether it blocks release, whether it carries to the
/// encounter, retired or not) with its automatic codes. Segmentation policy belongs to the privacy officer and the HIM
/// manager (Sensitivity.Configure), not to every clerk who labels items. Labels are retired, never deleted.
/// </summary>
[RequiresPermission(Permissions.SensitivityConfigure)]
public sealed class SaveLabelHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<SaveLabelCommand> validator,
    TimeProvider clock) : Handler<SaveLabelCommand, Result<uint>>(permissions)
{
    protected override async Task<Result<uint>> ExecuteAsync(SaveLabelCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var code = command.Code.Trim();
        try
        {
            return await db.InTransactionAsync<Result<uint>>(async token =>
            {
                var label = await db.SensitivityLabels.SingleOrDefaultAsync(l => l.Code == code, token);
                if ((label is null) != (command.Version is null))
                {
                    return SensitivityErrors.Conflict;
                }

                if (label is null)
                {
                    label = new SensitivityLabel { Code = code, CodeSystem = "", Title = "", Regulation = "" };
                    db.SensitivityLabels.Add(label);
                }
                else
                {
                    db.Entry(label).Property(l => l.Version).OriginalValue = command.Version!.Value;
                    // The row changes even when only its codes do, so a concurrent edit of the codes is caught by the version too.
                }

                label.CodeSystem = command.CodeSystem.Trim();
                label.Title = command.Title.Trim();
                label.Regulation = command.Regulation.Trim();
                label.BlocksReleaseWithoutAuthorization = command.BlocksReleaseWithoutAuthorization;
                label.LabelsEncounter = command.LabelsEncounter;
                label.Active = command.Active;
                label.UpdatedAt = clock.GetUtcNow();
                label.UpdatedByUserId = actors.Current.UserId;
                await db.SaveChangesAsync(token);

                await db.SensitivityCodeRules.Where(r => r.LabelCode == code).ExecuteDeleteAsync(token);
                db.SensitivityCodeRules.AddRange(command.Codes.Select(r => new SensitivityCodeRule
                {
                    Id = Guid.CreateVersion7(label.UpdatedAt),
                    LabelCode = code,
                    CodeSystem = r.CodeSystem,
                    Code = r.Code.Trim(),
                    Prefix = r.Prefix,
                }));
                await db.SaveChangesAsync(token);

                await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "SensitivityLabelDefinition", code,
                    Details: $"title={label.Title}; blocks-release={label.BlocksReleaseWithoutAuthorization}; labels-encounter={label.LabelsEncounter}; "
                             + $"active={label.Active}; codes={command.Codes.Count.ToString(CultureInfo.InvariantCulture)}"), token);
                return Result<uint>.Success(label.Version);
            }, ct);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || e.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            return SensitivityErrors.Conflict;
        }
    }
}
