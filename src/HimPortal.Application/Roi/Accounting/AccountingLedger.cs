using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Accounting;

/// <summary>One row of a patient's disclosure history as the accounting shows it.</summary>
public sealed record AccountingEntry(
    Guid Id,
    DateTimeOffset DisclosedAt,
    string Recipient,
    string? Address,
    string Description,
    string Purpose,
    string LegalBasis,
    string Source,
    bool Impermissible,
    Guid? RequestId,
    Guid? CorrectsId);

/// <param name="Required">What 164.528 requires, in date order: the accountable disclosures, less those an agency's suspension withholds now.</param>
/// <param name="Withheld">Accountable disclosures withheld by an active suspension (164.528(a)(2)): staff see them, the patient's accounting does not.</param>
/// <param name="Others">Releases the rule excludes (to the individual, treatment, under an authorization), kept as history and shown apart.</param>
public sealed record AccountingLists(IReadOnlyList<AccountingEntry> Required, IReadOnlyList<AccountingEntry> Withheld, IReadOnlyList<AccountingEntry> Others);

/// <summary>
/// The accounting of disclosures for a patient and a period (45 CFR 164.528). Exactly the rows recorded Accountable are
/// listed; a row that a later row corrects is replaced by the correction (the ledger is append-only, so a correction
/// names what it corrects). An agency's suspension (164.528(a)(2)) withholds every disclosure to that agency made up to the
/// suspension's end, for as long as the suspension lasts; on its last day's end they appear again.
/// </summary>
public static class AccountingLedger
{
    /// <summary>An accounting reaches back six years (164.528(a)(1), (b)(1)).</summary>
    public const int Years = 6;

    public static async Task<AccountingLists> ReadAsync(HimDbContext db, HospitalTime hospital, Guid patientId, DateOnly from, DateOnly to, DateTimeOffset now,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(hospital);
        var start = hospital.StartOf(from);
        var end = hospital.StartOf(to.AddDays(1));
        var rows = await db.Disclosures.AsNoTracking()
            .Where(d => d.PatientId == patientId && d.DisclosedAt >= start && d.DisclosedAt < end)
            .OrderBy(d => d.DisclosedAt).ThenBy(d => d.Id)
            .ToListAsync(ct);
        var corrected = (await db.Disclosures.AsNoTracking().Where(d => d.PatientId == patientId && d.CorrectsId != null)
            .Select(d => d.CorrectsId!.Value).ToListAsync(ct)).ToHashSet();
        var today = hospital.DayOf(now);
        var suspensions = await db.AccountingSuspensions.AsNoTracking()
            .Where(s => s.PatientId == patientId && s.From <= today && s.Until >= today).ToListAsync(ct);
        var required = new List<AccountingEntry>();
        var withheld = new List<AccountingEntry>();
        var others = new List<AccountingEntry>();
        foreach (var row in rows.Where(r => !corrected.Contains(r.Id)))
        {
            var entry = new AccountingEntry(row.Id, row.DisclosedAt, row.RecipientName, row.RecipientAddress, row.Description, row.Purpose, row.LegalBasis,
                row.Source, row.Impermissible, row.RequestId, row.CorrectsId);
            if (!row.Accountable)
            {
                others.Add(entry);
            }
            else if (suspensions.Any(s => ToAgency(row.RecipientName, s.Agency) && hospital.DayOf(row.DisclosedAt) <= s.Until))
            {
                withheld.Add(entry);
            }
            else
            {
                required.Add(entry);
            }
        }

        return new AccountingLists(required, withheld, others);
    }

    /// <summary>Whether a recipient is the suspending agency: either name contains the other, ignoring case ("Boston Police Department, Detective Unit").</summary>
    public static bool ToAgency(string recipient, string agency)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(agency);
        var a = recipient.Trim();
        var b = agency.Trim();
        return b.Length > 0 && (a.Contains(b, StringComparison.OrdinalIgnoreCase) || b.Contains(a, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>The legal bases a hand-entered disclosure may give: the accountable purposes of 45 CFR 164.512, and an impermissible disclosure.</summary>
public static class AccountingLegalBases
{
    public const string Impermissible = "impermissible disclosure (45 CFR 164.528(a)(1), not permitted by the Privacy Rule)";

    public static readonly IReadOnlyList<string> All =
    [
        "45 CFR 164.512(a): required by law",
        "45 CFR 164.512(b): public health activities",
        "45 CFR 164.512(c): victims of abuse, neglect or domestic violence",
        "45 CFR 164.512(d): health oversight activities",
        "45 CFR 164.512(e): judicial and administrative proceedings",
        "45 CFR 164.512(f): law enforcement purposes",
        "45 CFR 164.512(g): decedents (coroners, medical examiners, funeral directors)",
        "45 CFR 164.512(h): cadaveric organ, eye or tissue donation",
        "45 CFR 164.512(i): research (waiver of authorization)",
        "45 CFR 164.512(j): to avert a serious threat to health or safety",
        "45 CFR 164.512(k): specialized government functions",
        "45 CFR 164.512(l): workers' compensation",
        Impermissible,
    ];
}
