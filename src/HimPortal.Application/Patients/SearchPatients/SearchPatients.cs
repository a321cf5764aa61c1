using System.Globalization;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Patients.SearchPatients;

/// <summary>
/// Any of name (partial, any order of words, case- and accent-insensitive), MRN (exact) and birth date; all given must match.
/// </summary>
/// <param name="After">Keyset cursor from the previous page (<see cref="PatientSearchPage.NextAfter"/>).</param>
public sealed record SearchPatientsQuery(string? Name, string? Mrn, DateOnly? BirthDate, string? After = null, int PageSize = 25);

/// <param name="Vip">Restricted as a public figure's record; told only to those who manage or review restrictions (see <see cref="SearchPatientsHandler"/>).</param>
/// <param name="Employee">Restricted as an employee's record; told only as <paramref name="Vip"/>.</param>
public sealed record PatientSearchResult(
    Guid Id,
    string Name,
    string? Sex,
    DateOnly? BirthDate,
    string? Mrn,
    bool Deceased,
    DateTimeOffset? LastVisit,
    bool Vip = false,
    bool Employee = false)
{
    /// <summary>The other records of the patient's person (ADR 0015), in id order; none when the record is linked to no other.</summary>
    public IReadOnlyList<PersonRecord> Linked { get; init; } = [];

    public bool IsRestricted => Vip || Employee;
}

public sealed record PatientSearchPage(IReadOnlyList<PatientSearchResult> Patients, string? NextAfter);

public sealed class SearchPatientsValidator : AbstractValidator<SearchPatientsQuery>
{
    public SearchPatientsValidator()
    {
        RuleFor(q => q).Must(q => !string.IsNullOrWhiteSpace(q.Name) || !string.IsNullOrWhiteSpace(q.Mrn) || q.BirthDate is not null)
            .WithName("Search").WithMessage("Enter a name, an MRN or a birth date to search for.");
        RuleFor(q => q.Name).Must(n => n!.Trim().Length >= 2).When(q => !string.IsNullOrWhiteSpace(q.Name))
            .WithMessage("Enter at least two letters of the name.");
        RuleFor(q => q.Name).MaximumLength(100);
        RuleFor(q => q.Mrn).MaximumLength(64);
        RuleFor(q => q.After).Must(a => PatientSearchCursor.TryParse(a, out _)).When(q => q.After is not null)
            .WithMessage("The page link is not valid: search again.");
    }
}

/// <summary>
/// Finds patients for whoever may open charts; a physician must find a patient before knowing whether they treat them.
/// One audit row per search (action "search", with the criteria), never a row per result. The VIP and employee marks
/// go only to those who manage restrictions (ChartAccess.Manage) or review access to restricted records (Audit.Review):
/// to anyone else a list of who is a VIP or a colleague is itself a disclosure (minimum necessary, 45 CFR 164.502(b)),
/// and a physician learns of a restriction from the chart's gate when it matters.
/// </summary>
[RequiresPermission(Permissions.ChartsSearch)]
public sealed class SearchPatientsHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IValidator<SearchPatientsQuery> validator) : Handler<SearchPatientsQuery, Result<PatientSearchPage>>(permissions)
{
    private readonly PermissionCheck _permissions = permissions;

    protected override async Task<Result<PatientSearchPage>> ExecuteAsync(SearchPatientsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            var first = validation.Errors[0];
            return Error.Invalid(validation);
        }

        var size = Math.Clamp(query.PageSize, 1, 100);
        var marks = _permissions.Holds(Permissions.ChartAccessManage) || _permissions.Holds(Permissions.AuditReview);
        var patients = db.Set<Patient>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Name))
        {
            // Each word must appear in the folded "given family" name; the trigram index serves LIKE '%word%'.
            foreach (var word in PatientNames.Fold(query.Name).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var pattern = "%" + EscapeLike(word) + "%";
                patients = patients.Where(p => EF.Functions.Like(p.SearchName!, pattern));
            }
        }

        if (!string.IsNullOrWhiteSpace(query.Mrn))
        {
            var mrn = query.Mrn.Trim();
            patients = patients.Where(p => p.Mrn == mrn);
        }

        if (query.BirthDate is { } born)
        {
            patients = patients.Where(p => p.BirthDate == born);
        }

        // One result per person (ADR 0015): a matching record is shown unless another matching record of its person comes
        // before it in the list's order, so the person is found by any of its records and listed once, under the record
        // the criteria named (or the first of those). The rule depends on the record alone, so the keyset pages as before.
        var live = db.PersonLinks.Where(l => l.UnlinkedAt == null);
        var matching = patients;
        patients = patients.Where(p => !matching.Any(q => q.Id != p.Id
            && live.Any(lp => lp.PatientId == p.Id && live.Any(lq => lq.PatientId == q.Id && lq.PersonId == lp.PersonId))
            && EF.Functions.LessThan(ValueTuple.Create(q.FamilyName ?? "", q.GivenNames ?? "", q.Id), ValueTuple.Create(p.FamilyName ?? "", p.GivenNames ?? "", p.Id))));

        if (query.After is not null && PatientSearchCursor.TryParse(query.After, out var after))
        {
            patients = patients.Where(p => EF.Functions.GreaterThan(
                ValueTuple.Create(p.FamilyName ?? "", p.GivenNames ?? "", p.Id),
                ValueTuple.Create(after.Family, after.Given, after.Id)));
        }

        var rows = await patients
            .OrderBy(p => p.FamilyName ?? "").ThenBy(p => p.GivenNames ?? "").ThenBy(p => p.Id)
            .Take(size + 1)
            .Select(p => new
            {
                p.Id,
                p.GivenNames,
                p.FamilyName,
                p.Sex,
                p.BirthDate,
                p.Mrn,
                p.Deceased,
                // The person's other records (ADR 0015): listed with the result, and their visits and restrictions are the person's.
                Linked = db.Set<Patient>()
                    .Where(o => o.Id != p.Id && live.Any(lo => lo.PatientId == o.Id && live.Any(lp => lp.PatientId == p.Id && lp.PersonId == lo.PersonId)))
                    .OrderBy(o => o.Id)
                    .Select(o => new PersonRecord(o.Id, o.Mrn))
                    .ToList(),
                // Not a visit a correction entered-in-error: it was another patient's (ADR 0015).
                LastVisit = db.Set<Encounter>()
                    .Where(e => (e.PatientId == p.Id || live.Any(le => le.PatientId == e.PatientId && live.Any(lp => lp.PatientId == p.Id && lp.PersonId == le.PersonId)))
                                && !db.EnteredInError.Any(x => x.ResourceId == e.Id && x.ClearedAt == null))
                    .Max(e => e.PeriodStart),
                Vip = marks && db.PatientRestrictions.Any(r => r.Vip && (r.PatientId == p.Id
                    || live.Any(lr => lr.PatientId == r.PatientId && live.Any(lp => lp.PatientId == p.Id && lp.PersonId == lr.PersonId)))),
                Employee = marks && db.PatientRestrictions.Any(r => r.Employee && (r.PatientId == p.Id
                    || live.Any(lr => lr.PatientId == r.PatientId && live.Any(lp => lp.PatientId == p.Id && lp.PersonId == lr.PersonId)))),
            })
            .ToListAsync(ct);

        var shown = rows.Take(size).ToList();
        await audit.RecordAloneAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "Patient",
            Details: Describe(query) + $"; {shown.Count} shown" + (query.After is null ? "" : "; next page")), ct);

        var next = rows.Count > size ? new PatientSearchCursor(shown[^1].FamilyName ?? "", shown[^1].GivenNames ?? "", shown[^1].Id).ToString() : null;
        return Result<PatientSearchPage>.Success(new PatientSearchPage(
            shown.Select(r => new PatientSearchResult(r.Id, $"{r.GivenNames} {r.FamilyName}".Trim(), r.Sex, r.BirthDate, r.Mrn, r.Deceased, r.LastVisit,
                    r.Vip, r.Employee) { Linked = r.Linked })
                .ToList(),
            next));
    }

    /// <summary>The criteria, for the audit only (the audit is PHI-protected; logs never get them).</summary>
    private static string Describe(SearchPatientsQuery query)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(query.Name))
        {
            parts.Add("name=" + query.Name.Trim());
        }

        if (!string.IsNullOrWhiteSpace(query.Mrn))
        {
            parts.Add("mrn=" + query.Mrn.Trim());
        }

        if (query.BirthDate is { } born)
        {
            parts.Add("birth-date=" + born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        return string.Join("; ", parts);
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

/// <summary>The keyset position after a page: (family, given, id), the order of the results.</summary>
public sealed record PatientSearchCursor(string Family, string Given, Guid Id)
{
    private const char Separator = '\u001f';

    public override string ToString() =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(string.Join(Separator, Family, Given, Id.ToString("N"))))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryParse(string? value, out PatientSearchCursor cursor)
    {
        cursor = new PatientSearchCursor("", "", Guid.Empty);
        if (string.IsNullOrEmpty(value) || value.Length > 1000)
        {
            return false;
        }

        try
        {
            var base64 = value.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var parts = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split(Separator);
            if (parts.Length != 3 || !Guid.TryParseExact(parts[2], "N", out var id))
            {
                return false;
            }

            cursor = new PatientSearchCursor(parts[0], parts[1], id);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
