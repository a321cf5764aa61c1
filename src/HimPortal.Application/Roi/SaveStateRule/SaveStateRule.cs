using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.SaveStateRule;

/// <summary>One tier of a state's third-party per-page schedule, as roi.state_rules.page_tiers stores it: <c>{"from":1,"to":20,"cents":100}</c> (to null for "and above").</summary>
public sealed record PageTier(
    [property: JsonPropertyName("from")] int From,
    [property: JsonPropertyName("to")] int? To,
    [property: JsonPropertyName("cents")] int Cents)
{
    public static IReadOnlyList<PageTier> Read(string json) =>
        string.IsNullOrWhiteSpace(json) ? [] : JsonSerializer.Deserialize<List<PageTier>>(json) ?? [];

    public static string Write(IEnumerable<PageTier> tiers) => JsonSerializer.Serialize(tiers.OrderBy(t => t.From).ToList());
}

/// <param name="Version">The row's version the manager saw; null to add a state.</param>
/// <param name="Active">False retires the state (kept for the requests that cite it).</param>
public sealed record SaveStateRuleCommand(
    string StateCode,
    string Name,
    int? IndividualAccessDays,
    bool IndividualAccessBusinessDays,
    int? ThirdPartyDays,
    string Citation,
    IReadOnlyList<PageTier> PageTiers,
    int? ElectronicPageCents,
    int RetrievalFeeCents,
    int CertificationFeeCents,
    int? MaxFeeCents,
    bool Active,
    uint? Version);

public sealed class SaveStateRuleValidator : AbstractValidator<SaveStateRuleCommand>
{
    public SaveStateRuleValidator()
    {
        RuleFor(c => c.StateCode).Matches("^[A-Z]{2}$").WithMessage("The state is two capital letters, e.g. TX.");
        RuleFor(c => c.Name).NotEmpty().WithMessage("Enter the state's name.").MaximumLength(100);
        RuleFor(c => c.Citation).NotEmpty().WithMessage("Cite the statute or regulation the deadlines and fees come from.").MaximumLength(400);
        // A state deadline for the individual only matters when it is shorter than HIPAA's 30 days (45 CFR 160.203(b)).
        RuleFor(c => c.IndividualAccessDays).InclusiveBetween(1, 30).When(c => c.IndividualAccessDays is not null)
            .WithMessage("The individual's deadline is 1 to 30 days: a longer one would be looser than HIPAA's 30 days (45 CFR 164.524(b)(2)).");
        RuleFor(c => c.IndividualAccessBusinessDays).Equal(false).When(c => c.IndividualAccessDays is null)
            .WithMessage("Business days need the individual's deadline in days.");
        RuleFor(c => c.ThirdPartyDays).InclusiveBetween(1, 365).When(c => c.ThirdPartyDays is not null).WithMessage("The third-party deadline is 1 to 365 days.");
        RuleFor(c => c.ElectronicPageCents).InclusiveBetween(0, 10_000).When(c => c.ElectronicPageCents is not null).WithMessage("The electronic per-page fee is $0 to $100.");
        RuleFor(c => c.RetrievalFeeCents).InclusiveBetween(0, 100_000).WithMessage("The retrieval fee is $0 to $1,000.");
        RuleFor(c => c.CertificationFeeCents).InclusiveBetween(0, 100_000).WithMessage("The certification fee is $0 to $1,000.");
        RuleFor(c => c.MaxFeeCents).InclusiveBetween(0, 10_000_000).When(c => c.MaxFeeCents is not null).WithMessage("The cap is $0 or more.");
        RuleFor(c => c.PageTiers).Must(t => t.Count <= 20).WithMessage("At most 20 page tiers.");
        RuleForEach(c => c.PageTiers).ChildRules(t =>
        {
            t.RuleFor(x => x.From).GreaterThanOrEqualTo(1).WithMessage("A tier starts at page 1 or later.");
            t.RuleFor(x => x).Must(x => x.To is null || x.To >= x.From).WithName("To").WithMessage("A tier's last page is at or after its first.");
            t.RuleFor(x => x.Cents).InclusiveBetween(0, 10_000).WithMessage("A tier's price per page is $0 to $100.");
        });
        RuleFor(c => c.PageTiers).Must(Contiguous).When(c => c.PageTiers.Count > 0)
            .WithMessage("Page tiers start at page 1 and follow one another without gaps or overlaps; only the last may be open-ended.");
    }

    private static bool Contiguous(IReadOnlyList<PageTier> tiers)
    {
        var next = 1;
        var ordered = tiers.OrderBy(t => t.From).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].From != next || (ordered[i].To is null && i != ordered.Count - 1))
            {
                return false;
            }

            next = (ordered[i].To ?? int.MaxValue - 1) + 1;
        }

        return true;
    }
}

/// <summary>
/// An HIM manager adds, edits or retires a state's rule (deadlines with their citation, the third-party page schedule,
/// retrieval and certification fees, a cap). Nothing is seeded: each hospital enters the states it serves after checking
/// the statute (README, "State rules"). Optimistic concurrency on the row's version; audited as an administrative change.
/// Requests already logged keep their due date until edited (the date that was promised stays on the record).
/// </summary>
[RequiresPermission(Permissions.RoiConfigure)]
public sealed class SaveStateRuleHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IValidator<SaveStateRuleCommand> validator)
    : Handler<SaveStateRuleCommand, Result<uint>>(permissions)
{
    public const string Stale = "Someone changed this state's rule since you opened it. Reload the page and enter your change again.";

    protected override async Task<Result<uint>> ExecuteAsync(SaveStateRuleCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync<Result<uint>>(async token =>
            {
                var row = await db.StateRules.SingleOrDefaultAsync(s => s.StateCode == command.StateCode, token);
                if (command.Version is null)
                {
                    if (row is not null)
                    {
                        return Error.Conflict($"{command.StateCode} already has a rule: edit it instead.");
                    }

                    row = new StateRule { StateCode = command.StateCode, Name = command.Name, Citation = command.Citation };
                    db.StateRules.Add(row);
                }
                else
                {
                    if (row is null)
                    {
                        return Error.NotFound();
                    }

                    if (row.Version != command.Version)
                    {
                        return Error.Conflict(Stale);
                    }

                    db.Entry(row).Property(s => s.Version).OriginalValue = command.Version.Value;
                }

                row.Name = command.Name.Trim();
                row.Citation = command.Citation.Trim();
                row.IndividualAccessDays = command.IndividualAccessDays;
                row.IndividualAccessBusinessDays = command.IndividualAccessBusinessDays;
                row.ThirdPartyDays = command.ThirdPartyDays;
                row.PageTiers = PageTier.Write(command.PageTiers);
                row.ElectronicPageCents = command.ElectronicPageCents;
                row.RetrievalFeeCents = command.RetrievalFeeCents;
                row.CertificationFeeCents = command.CertificationFeeCents;
                row.MaxFeeCents = command.MaxFeeCents;
                row.Active = command.Active;
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "StateRule", row.StateCode,
                    Details: string.Create(CultureInfo.InvariantCulture,
                        $"ROI state rule {row.StateCode} {(command.Version is null ? "added" : row.Active ? "changed" : "retired")}; individual-days={row.IndividualAccessDays}{(row.IndividualAccessBusinessDays ? " business" : "")}; third-party-days={row.ThirdPartyDays}; tiers={row.PageTiers}; electronic/page={row.ElectronicPageCents}; retrieval={row.RetrievalFeeCents}; certification={row.CertificationFeeCents}; cap={row.MaxFeeCents}; active={row.Active}")),
                    token);
                await db.Entry(row).ReloadAsync(token);
                return Result<uint>.Success(row.Version);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.Conflict(Stale);
        }
    }
}
