using System.Globalization;
using System.Security.Cryptography;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Letters;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Completion.Aging.AgeRecords;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig;

namespace HimPortal.Application.Completion.Aging;

/// <summary>
/// A notice's letter (issue 18 item 4): a PDF written with the shared <see cref="LetterPdf"/>, naming each deficiency
/// (MRN, stay dates, rule, what is owed, when it was due), kept in the document store in the same transaction as the
/// notice, with its SHA-256 and page count on the notice. No patient name: the MRN is what HIM and the physician work by.
/// </summary>
public sealed class NoticeLetters(HimDbContext db, IDocumentStore store, HospitalTime hospital)
{
    public const string From = "Health Information Management - Chart Completion";

    public async Task AttachAsync(CompletionNotice notice, IReadOnlyList<OwedItem> items, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(items);
        var people = await db.Set<Practitioner>().AsNoTracking()
            .Where(p => p.Id == notice.PractitionerId || p.Id == notice.AboutPractitionerId)
            .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.Npi })
            .ToDictionaryAsync(p => p.Id, p => Name(p.GivenNames, p.FamilyName, p.Npi), ct);
        var to = people.GetValueOrDefault(notice.PractitionerId, "Physician");
        var about = people.GetValueOrDefault(notice.AboutPractitionerId, "a physician");
        var pdf = LetterPdf.Write(new LetterContent(From, [to], hospital.DayOf(notice.SentAt), notice.Subject,
            [.. Opening(notice, about), "", .. items.Select(Line), "", Closing(notice.Kind)],
            Reference: $"Notice {notice.Id.ToString("N")[..12]}", Footer: "Chart completion notice"));
        int pages;
        using (var document = PdfDocument.Open(pdf))
        {
            pages = document.NumberOfPages;
        }

        var objectId = Guid.CreateVersion7();
        using (var content = new MemoryStream(pdf, writable: false))
        {
            await store.PutAsync(objectId, content, ct);
        }

        notice.LetterObjectId = objectId;
        notice.LetterSha256 = SHA256.HashData(pdf);
        notice.LetterPages = pages;
    }

    private static string Name(string? given, string? family, string? npi)
    {
        var name = $"{given} {family}".Trim();
        return (name.Length == 0 ? "Physician" : "Dr. " + name) + (npi is null ? "" : $" (NPI {npi})");
    }

    private static string[] Opening(CompletionNotice notice, string about) => notice.Kind switch
    {
        NoticeKinds.Reminder => ["The medical record below is incomplete. The medical staff bylaws require each record to be completed within the set days of discharge (42 CFR 482.24(c)(4)(viii)); it becomes delinquent on the date shown. Please complete what you owe:"],
        NoticeKinds.Delinquent => ["The medical record below is now delinquent: it was not completed within the days the medical staff bylaws allow after discharge (42 CFR 482.24(c)(4)(viii)). Please complete what you owe at once:"],
        NoticeKinds.Escalation => [$"As chief of the department, you are notified that a record of {about} is delinquent (42 CFR 482.24(c)(4)(viii); 482.22(c)(5), the bylaws). These are the items still open:"],
        _ => ["Under the medical staff bylaws, your privileges are suspended because records you owe have been delinquent longer than the bylaws allow (42 CFR 482.22(c)(5); 482.24(c)(4)(viii)). The suspension ends when none of your records is delinquent. These are the items still open:"],
    };

    private string Line(OwedItem item)
    {
        var stay = item.AdmittedAt is { } admitted
            ? string.Create(CultureInfo.InvariantCulture, $"{hospital.DayOf(admitted):yyyy-MM-dd} to {hospital.DayOf(item.DischargedAt):yyyy-MM-dd}")
            : string.Create(CultureInfo.InvariantCulture, $"discharged {hospital.DayOf(item.DischargedAt):yyyy-MM-dd}");
        return string.Create(CultureInfo.InvariantCulture,
            $"- MRN {item.Mrn ?? "(none)"}, stay {stay}: {item.RuleName ?? "Manual deficiency"} - {item.Description}; due {hospital.Format(item.DueAt)}; record delinquent {hospital.Format(item.DelinquentAt)}");
    }

    private static string Closing(string kind) => kind == NoticeKinds.Escalation
        ? "The physician has been sent the same list. Health Information Management can reassign an item that is not theirs."
        : "Sign in to HimPortal and open Chart completion to sign or write each item. If an item is not yours, refuse it there with a reason and Health Information Management will reassign it.";
}
