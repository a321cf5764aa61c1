using System.Text.RegularExpressions;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Completion.Configure.GetConfiguration;
using HimPortal.Data;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Configure.SaveRule;

/// <param name="Id">The rule changed, or null to add one.</param>
/// <param name="Version">The rule's version the manager saw (ignored when adding).</param>
public sealed record SaveRuleCommand(
    Guid? Id, string Code, string Name, string Citation, string Kind, bool Enabled, IReadOnlyList<string> EncounterClasses, IReadOnlyList<Guid> FacilityIds,
    IReadOnlyList<string> DocumentTypes, string? Anchor, int? WindowStartHours, int? WindowEndHours, IReadOnlyList<string> UpdateNoteTypes, int? UpdateWithinHours,
    string? BeforeProcedureFlag, string? ProcedureFlag, string Responsible, int? DueHours, int? DueDays, string? Description, uint Version);

public sealed partial class SaveRuleValidator : AbstractValidator<SaveRuleCommand>
{
    public SaveRuleValidator()
    {
        RuleFor(c => c.Code).Must(c => Code().IsMatch(c ?? "")).WithMessage("The code is 2 to 64 lower-case letters, digits and hyphens (\"hp-24h\").");
        RuleFor(c => c.Name).NotEmpty().WithMessage("Name the rule.").MaximumLength(200).WithMessage("The name is at most 200 characters.");
        RuleFor(c => c.Citation).NotEmpty().WithMessage("Cite the rule's source (\"42 CFR 482.22(c)(5)\", the bylaws' article).")
            .MaximumLength(200).WithMessage("The citation is at most 200 characters.");
        RuleFor(c => c.Kind).Must(k => RuleKinds.All.Contains(k)).WithMessage("Choose the kind: " + string.Join(", ", RuleKinds.All) + ".");
        RuleFor(c => c.Responsible).Must(r => ResponsibleRoles.All.Contains(r)).WithMessage("Choose who is responsible: " + string.Join(", ", ResponsibleRoles.All) + ".");
        RuleFor(c => c.EncounterClasses).NotEmpty().WithMessage("Choose at least one encounter class.");
        RuleForEach(c => c.EncounterClasses).Must(c => StayClasses.Known.Contains(c))
            .WithMessage((_, c) => $"\"{c}\" is not an encounter class: use " + string.Join(", ", StayClasses.Known) + ".");
        RuleForEach(c => c.DocumentTypes).Must(Loinc.IsWellFormed).WithMessage((_, t) => $"\"{t}\" is not a well-formed LOINC code (digits, a hyphen, the check digit: 18842-5).");
        RuleForEach(c => c.UpdateNoteTypes).Must(Loinc.IsWellFormed).WithMessage((_, t) => $"\"{t}\" is not a well-formed LOINC code (digits, a hyphen, the check digit: 11492-6).");
        RuleFor(c => c.Anchor).Must(a => a is null || RuleAnchors.All.Contains(a)).WithMessage("Choose the anchor: admission, discharge or procedure.");
        RuleFor(c => c.ProcedureFlag).Must(f => f is null || ProcedureFlags.All.Contains(f)).WithMessage("Choose the procedures: surgery, anesthesia or consent.");
        RuleFor(c => c.BeforeProcedureFlag).Must(f => f is null || ProcedureFlags.All.Contains(f)).WithMessage("Choose the procedures: surgery, anesthesia or consent.");
        RuleFor(c => c.Description).MaximumLength(1000).WithMessage("The description is at most 1000 characters.");
        When(c => c.Kind == RuleKinds.Document, () =>
        {
            RuleFor(c => c.DocumentTypes).NotEmpty().WithMessage("A document rule needs the LOINC document types that satisfy it.");
            RuleFor(c => c.Anchor).NotEmpty().WithMessage("A document rule needs an anchor: admission, discharge or procedure.");
            RuleFor(c => c.WindowStartHours).NotNull().WithMessage("A document rule needs the window's start (hours from the anchor; negative = before).");
            RuleFor(c => c.WindowEndHours).NotNull().WithMessage("A document rule needs the window's end (hours from the anchor).");
            RuleFor(c => c.ProcedureFlag).NotEmpty().When(c => c.Anchor == RuleAnchors.Procedure)
                .WithMessage("A rule anchored at a procedure needs the procedures it is about: surgery, anesthesia or consent.");
            RuleFor(c => c.UpdateWithinHours).NotNull().GreaterThan(0).When(c => c.UpdateNoteTypes.Count > 0)
                .WithMessage("Update note types need the hours after the anchor within which the update is due.");
        });
        RuleFor(c => c).Must(c => c.WindowStartHours is null || c.WindowEndHours is null || c.WindowStartHours <= c.WindowEndHours)
            .WithName(nameof(SaveRuleCommand.WindowEndHours)).WithMessage("The window's start must be at or before its end.");
        RuleFor(c => c.DueHours).NotNull().GreaterThan(0).When(c => c.Kind is RuleKinds.Authentication or RuleKinds.OrderAuthentication)
            .WithMessage("An authentication rule needs the hours (above 0) within which an entry is signed.");
        RuleFor(c => c.DueHours).GreaterThan(0).When(c => c.DueHours is not null).WithMessage("Hours are above 0.");
        RuleFor(c => c.DueDays).NotNull().GreaterThan(0).When(c => c.Kind == RuleKinds.RecordComplete)
            .WithMessage("A record-complete rule needs the days (above 0) after discharge.");
        RuleFor(c => c.DueDays).GreaterThan(0).When(c => c.DueDays is not null).WithMessage("Days are above 0.");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,63}$")]
    private static partial Regex Code();
}

/// <summary>LOINC codes as written: up to seven digits, a hyphen and the mod-10 check digit (LOINC Users' Guide, "check digit").</summary>
public static class Loinc
{
    public static bool IsWellFormed(string? code)
    {
        if (code is null || code.Length < 3 || code.Length > 9 || code[^2] != '-' || !char.IsAsciiDigit(code[^1]))
        {
            return false;
        }

        var number = code[..^2];
        if (!number.All(char.IsAsciiDigit))
        {
            return false;
        }

        // Luhn from the right: every other digit, starting with the last, doubled.
        var sum = 0;
        for (var i = 0; i < number.Length; i++)
        {
            var digit = number[number.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                digit *= 2;
                digit = digit > 9 ? digit - 9 : digit;
            }

            sum += digit;
        }

        return (10 - (sum % 10)) % 10 == code[^1] - '0';
    }
}

/// <summary>
/// An HIM manager adds or changes a rule, every field of it (issue 18 item 1: "each named, cited and configurable by HIM
/// managers, per encounter class and per facility"), validated, with the version checked. The stays not yet complete of
/// the classes the rule touched before or touches now are queued for analysis in the same transaction, so the
/// deficiencies follow the rule in force (42 CFR 482.24(c)). Audited as completion.configure with the fields changed.
/// </summary>
[RequiresPermission(Permissions.CompletionManage)]
public sealed class SaveRuleHandler(
    PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock, IValidator<SaveRuleCommand> validator)
    : Handler<SaveRuleCommand, Result<Guid>>(permissions)
{
    private static readonly Error CodeTaken = Error.Invalid("Another rule has this code.", nameof(SaveRuleCommand.Code));

    protected override async Task<Result<Guid>> ExecuteAsync(SaveRuleCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await Versioned.InTransactionAsync<Guid>(db, ConfigureAudit.Stale, async token =>
            {
                if (await db.CompletionRules.AnyAsync(r => r.Code == command.Code && r.Id != command.Id, token))
                {
                    return CodeTaken;
                }

                var now = clock.GetUtcNow();
                CompletionRule rule;
                RuleView? before = null;
                if (command.Id is { } id)
                {
                    var found = await db.CompletionRules.SingleOrDefaultAsync(r => r.Id == id, token);
                    if (found is null)
                    {
                        return Error.NotFound("There is no such rule.");
                    }

                    if (found.Version != command.Version)
                    {
                        return ConfigureAudit.Stale;
                    }

                    rule = found;
                    before = GetConfigurationHandler.View(rule);
                    db.Entry(rule).Property(r => r.Version).OriginalValue = command.Version;
                }
                else
                {
                    rule = new CompletionRule { Id = Guid.CreateVersion7(now), Code = command.Code, Name = command.Name, Citation = command.Citation, Kind = command.Kind, Responsible = command.Responsible };
                    db.CompletionRules.Add(rule);
                }

                Apply(rule, command);
                rule.UpdatedAt = now;
                rule.UpdatedBy = actors.Current.UserId;
                await db.SaveChangesAsync(token);
                var after = GetConfigurationHandler.View(rule);
                var classes = (before?.EncounterClasses ?? []).Union(after.EncounterClasses).ToList();
                var queued = await ConfigureAudit.QueueOpenStaysAsync(db, classes, "rule-changed", now, token);
                await audit.RecordAsync(ConfigureAudit.Of("CompletionRule", rule.Id.ToString("D"),
                    $"rule {rule.Code} {(before is null ? "added" : "changed: " + Changes(before, after))}; {queued} stays queued for analysis"), token);
                return Result<Guid>.Success(rule.Id);
            }, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            db.ChangeTracker.Clear();
            return CodeTaken;
        }
    }

    private static void Apply(CompletionRule rule, SaveRuleCommand c)
    {
        var document = c.Kind == RuleKinds.Document;
        rule.Code = c.Code;
        rule.Name = c.Name.Trim();
        rule.Citation = c.Citation.Trim();
        rule.Kind = c.Kind;
        rule.Enabled = c.Enabled;
        rule.EncounterClasses = [.. c.EncounterClasses.Distinct()];
        rule.FacilityIds = [.. c.FacilityIds.Distinct()];
        // The fields of other kinds are dropped, so a rule never carries a window it does not use.
        rule.DocumentTypes = document ? [.. c.DocumentTypes.Distinct()] : [];
        rule.Anchor = document ? c.Anchor : null;
        rule.WindowStartHours = document ? c.WindowStartHours : null;
        rule.WindowEndHours = document ? c.WindowEndHours : null;
        rule.UpdateNoteTypes = document ? [.. c.UpdateNoteTypes.Distinct()] : [];
        rule.UpdateWithinHours = document && c.UpdateNoteTypes.Count > 0 ? c.UpdateWithinHours : null;
        rule.BeforeProcedureFlag = document && c.Anchor == RuleAnchors.Admission ? NullIfEmpty(c.BeforeProcedureFlag) : null;
        rule.ProcedureFlag = document && c.Anchor == RuleAnchors.Procedure ? c.ProcedureFlag : null;
        rule.Responsible = c.Responsible;
        rule.DueHours = c.Kind is RuleKinds.Authentication or RuleKinds.OrderAuthentication ? c.DueHours : null;
        rule.DueDays = c.Kind == RuleKinds.RecordComplete ? c.DueDays : null;
        rule.Description = NullIfEmpty(c.Description?.Trim());
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>The fields that changed, "name: old → new" (a rule holds no patient data).</summary>
    private static string Changes(RuleView before, RuleView after)
    {
        static string Show(object? value) => value switch
        {
            null => "none",
            System.Collections.IEnumerable list and not string => "[" + string.Join(",", list.Cast<object>()) + "]",
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
        };

        var changed = typeof(RuleView).GetProperties()
            .Where(p => p.Name is not (nameof(RuleView.Version) or nameof(RuleView.Id)))
            .Select(p => (p.Name, Old: Show(p.GetValue(before)), New: Show(p.GetValue(after))))
            .Where(p => p.Old != p.New)
            .Select(p => $"{p.Name} {p.Old} → {p.New}")
            .ToList();
        var text = changed.Count == 0 ? "nothing" : string.Join("; ", changed);
        // The audit's details hold 4000 characters; a long description is cut, the field names stay.
        return text.Length > 3000 ? text[..3000] + "…" : text;
    }
}
