using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.QualityControl;

/// <summary>The manager's QA settings; <paramref name="Version"/> is the stored row's version seen (null when none was stored).</summary>
public sealed record UpdateQualitySettingsCommand(decimal Rate, int NewClerkDocuments, uint? Version);

public sealed class UpdateQualitySettingsValidator : AbstractValidator<UpdateQualitySettingsCommand>
{
    public UpdateQualitySettingsValidator()
    {
        RuleFor(c => c.Rate).InclusiveBetween(0m, 1m).WithMessage("The rate is a share between 0 % and 100 %.");
        RuleFor(c => c.NewClerkDocuments).InclusiveBetween(0, 100_000).WithMessage("Between 0 and 100,000 documents.");
    }
}

/// <summary>
/// An HIM manager sets the QA rate and the new-clerk count (stored, overriding configuration from the sampler's next
/// run; filings already considered keep their draw). Audited as an administrative change.
/// </summary>
[RequiresPermission(Permissions.IntakeConfigure)]
public sealed class UpdateQualitySettingsHandler(
    PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, IValidator<UpdateQualitySettingsCommand> validator, TimeProvider clock)
    : Handler<UpdateQualitySettingsCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(UpdateQualitySettingsCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync<Result<bool>>(async token =>
            {
                var row = await db.Set<QualityReviewSetting>().SingleOrDefaultAsync(s => s.Id == 1, token);
                if ((row?.Version) != command.Version)
                {
                    return Error.Conflict("Someone changed the QA settings since you opened them. Reload the page.");
                }

                if (row is null)
                {
                    row = new QualityReviewSetting { Id = 1 };
                    db.Set<QualityReviewSetting>().Add(row);
                }
                else
                {
                    db.Entry(row).Property(s => s.Version).OriginalValue = command.Version!.Value;
                }

                row.Rate = command.Rate;
                row.NewClerkDocuments = command.NewClerkDocuments;
                row.UpdatedAt = clock.GetUtcNow();
                row.UpdatedByUserId = actors.Current.UserId;
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "QualityReviewSetting", "1",
                    Details: $"qa settings; rate={command.Rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}; new-clerk={command.NewClerkDocuments}"), token);
                return Result<bool>.Success(true);
            }, ct);
        }
        catch (Exception e) when (e is DbUpdateConcurrencyException or DbUpdateException)
        {
            return Error.Conflict("Someone changed the QA settings since you opened them. Reload the page.");
        }
    }
}
