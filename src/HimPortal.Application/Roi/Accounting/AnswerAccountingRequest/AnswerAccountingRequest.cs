using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Letters;
using HimPortal.Application.Roi.Fees.IssueInvoice;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Accounting.AnswerAccountingRequest;

public sealed record AnswerAccountingRequestCommand(Guid RequestId, uint Version);

public sealed record AccountingAnswered(Guid LetterId, int Required, int Others);

/// <summary>
/// Gives the accounting asked for: a PDF (kind accounting, kept as given) listing each accountable disclosure of the period
/// with its date, recipient and address, description and purpose (164.528(b)(2)); and apart, in a section of its own, the
/// other releases (not required by 164.528, shown for completeness). Disclosures an agency's suspension withholds now are
/// left out (164.528(a)(2)).
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class AnswerAccountingRequestHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    RoiLetterStore letters,
    HospitalTime hospital,
    TimeProvider time) : Handler<AnswerAccountingRequestCommand, Result<AccountingAnswered>>(permissions)
{
    public const string OthersHeading = "Other releases (not required by 164.528, shown for completeness)";

    protected override async Task<Result<AccountingAnswered>> ExecuteAsync(AnswerAccountingRequestCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            return await db.InTransactionAsync<Result<AccountingAnswered>>(async token =>
            {
                var request = await db.AccountingRequests.SingleOrDefaultAsync(r => r.Id == command.RequestId, token);
                if (request is null)
                {
                    return Error.NotFound("There is no such accounting request.");
                }

                if (request.Version != command.Version)
                {
                    return RoiAudit.Stale;
                }

                if (request.AnsweredAt is not null)
                {
                    return Error.Conflict("The accounting was already given.");
                }

                var lists = await WriteAsync(db, letters, hospital, request, time.GetUtcNow(), token);
                db.Entry(request).Property(r => r.Version).OriginalValue = command.Version;
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Print, AuditOutcome.Success, GetAccounting.GetAccountingHandler.ResourceType,
                    request.PatientId.ToString("D"), request.PatientId, "release of information",
                    $"accounting request {request.Id:D} answered: {lists.Required.Count} accountable, {lists.Others.Count} other"), token);
                return Result<AccountingAnswered>.Success(new AccountingAnswered(request.LetterId!.Value, lists.Required.Count, lists.Others.Count));
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return RoiAudit.Stale;
        }
    }

    /// <summary>
    /// Writes the accounting's letter for <paramref name="request"/> (tracked) and marks it answered, in the caller's
    /// transaction: the staff's answer and the portal's immediate answer (the first in 12 months, free) are one letter.
    /// </summary>
    public static async Task<AccountingLists> WriteAsync(HimDbContext db, RoiLetterStore letters, HospitalTime hospital, AccountingRequest request,
        DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(letters);
        ArgumentNullException.ThrowIfNull(hospital);
        ArgumentNullException.ThrowIfNull(request);
        var patient = await db.Set<Patient>().AsNoTracking().SingleAsync(p => p.Id == request.PatientId, ct);
        var lists = await AccountingLedger.ReadAsync(db, hospital, request.PatientId, request.PeriodFrom, request.PeriodTo, now, ct);
        var pdf = LetterPdf.Write(Letter(hospital, patient, request, lists, hospital.DayOf(now)));
        var letter = await letters.SaveAsync(null, request.PatientId, LetterKinds.Accounting, pdf, RoiPdf.PageCount(pdf), ct);
        letter.SentAt = now;
        request.LetterId = letter.Id;
        request.AnsweredAt = now;
        return lists;
    }

    public static IReadOnlyList<string> PatientLines(Patient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        var lines = new List<string> { $"{patient.GivenNames} {patient.FamilyName}".Trim() };
        if (!string.IsNullOrWhiteSpace(patient.AddressLine))
        {
            lines.Add(patient.AddressLine);
        }

        var city = string.Join(" ", new[] { patient.City, patient.State, patient.PostalCode }.Where(p => !string.IsNullOrWhiteSpace(p)));
        if (city.Length > 0)
        {
            lines.Add(city);
        }

        return lines;
    }

    private static LetterContent Letter(HospitalTime hospital, Patient patient, AccountingRequest request, AccountingLists lists, DateOnly today)
    {
        var paragraphs = new List<string>
        {
            $"You asked for an accounting of the disclosures of your health information from {request.PeriodFrom:MMMM d, yyyy} to {request.PeriodTo:MMMM d, yyyy} (45 CFR 164.528). "
            + "It lists each disclosure the law requires us to account for: the date, who received the information and their address, what was disclosed, and why.",
            "",
            $"Disclosures ({lists.Required.Count}):",
        };
        paragraphs.AddRange(lists.Required.Count == 0
            ? ["- None in this period."]
            : lists.Required.Select(Line));
        paragraphs.Add("");
        paragraphs.Add($"{OthersHeading} ({lists.Others.Count}):");
        paragraphs.Add("These releases were made to you, at your direction, for your treatment or under your written authorization. The law does not require them in an accounting; we list them so that you see every release we made.");
        paragraphs.AddRange(lists.Others.Count == 0 ? ["- None in this period."] : lists.Others.Select(Line));
        paragraphs.Add(request.FeeCents > 0
            ? $"Fee: {RoiAudit.Money(request.FeeCents)}, as you were told before we prepared this accounting."
            : "There is no fee for this accounting.");
        return new LetterContent(IssueInvoiceHandler.From, AnswerAccountingRequestHandler.PatientLines(patient), today, "Accounting of disclosures of your health information",
            paragraphs, null, "Accounting of disclosures");

        string Line(AccountingEntry e) =>
            $"- {hospital.DayOf(e.DisclosedAt):yyyy-MM-dd}: to {e.Recipient}{(e.Address is { Length: > 0 } a ? $" ({a})" : "")}. What: {e.Description}. Purpose: {e.Purpose}."
            + (e.Impermissible ? " This disclosure was not permitted; we are required to tell you of it." : "");
    }
}
