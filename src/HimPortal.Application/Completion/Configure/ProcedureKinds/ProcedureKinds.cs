using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Configure.ProcedureKinds;

/// <param name="Version">The row's version when changing one, null when adding.</param>
public sealed record SaveProcedureKindCommand(string System, string Code, string Display, bool Surgery, bool Anesthesia, bool Consent, uint? Version);

public sealed class SaveProcedureKindValidator : AbstractValidator<SaveProcedureKindCommand>
{
    public SaveProcedureKindValidator()
    {
        RuleFor(c => c.System).NotEmpty().WithMessage("Give the code system (http://snomed.info/sct).").MaximumLength(200).WithMessage("The system is at most 200 characters.");
        RuleFor(c => c.Code).NotEmpty().WithMessage("Give the procedure code.").MaximumLength(64).WithMessage("The code is at most 64 characters.");
        RuleFor(c => c.Display).NotEmpty().WithMessage("Give the procedure's name.").MaximumLength(300).WithMessage("The name is at most 300 characters.");
    }
}

/// <summary>
/// An HIM manager says what a procedure code means for the rules: surgery (operative report, 42 CFR 482.51(b)(6); H&amp;P
/// before it, 482.51(b)(1)), anesthesia (evaluations, 482.52(b)), consent (482.51(b)(2)). Adds or changes (version
/// checked); open stays are queued for analysis since the rules follow it. Audited as completion.configure.
/// </summary>
[RequiresPermission(Permissions.CompletionManage)]
public sealed class SaveProcedureKindHandler(PermissionCheck permissions, HimDbContext db, Audit.AccessAudit audit, TimeProvider clock, IValidator<SaveProcedureKindCommand> validator)
    : Handler<SaveProcedureKindCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(SaveProcedureKindCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var system = command.System.Trim();
        var code = command.Code.Trim();
        return await Versioned.InTransactionAsync<bool>(db, ConfigureAudit.Stale, async token =>
        {
            var kind = await db.ProcedureKinds.SingleOrDefaultAsync(k => k.System == system && k.Code == code, token);
            if (kind is null)
            {
                if (command.Version is not null)
                {
                    return Error.NotFound("There is no such procedure kind.");
                }

                kind = new ProcedureKind { System = system, Code = code, Display = command.Display.Trim() };
                db.ProcedureKinds.Add(kind);
            }
            else if (command.Version is null)
            {
                return Error.Invalid("This procedure code has a kind already: change it in the table.", nameof(command.Code));
            }
            else if (kind.Version != command.Version)
            {
                return ConfigureAudit.Stale;
            }
            else
            {
                db.Entry(kind).Property(k => k.Version).OriginalValue = command.Version.Value;
            }

            kind.Display = command.Display.Trim();
            kind.Surgery = command.Surgery;
            kind.Anesthesia = command.Anesthesia;
            kind.Consent = command.Consent;
            await db.SaveChangesAsync(token);
            var queued = await ConfigureAudit.QueueOpenStaysAsync(db, null, "procedure-kinds-changed", clock.GetUtcNow(), token);
            await audit.RecordAsync(ConfigureAudit.Of("ProcedureKind", $"{system}|{code}",
                $"procedure kind {system}|{code} {(command.Version is null ? "added" : "changed")}: surgery={kind.Surgery}, anesthesia={kind.Anesthesia}, consent={kind.Consent}; {queued} stays queued for analysis"), token);
            return Result<bool>.Success(true);
        }, ct);
    }
}
