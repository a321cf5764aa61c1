using System.Net.Mail;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Letters;
using HimPortal.Application.Common.Mail;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Amendments.SendAmendmentNotices;

public sealed record SendAmendmentNoticesCommand(Guid AmendmentId);

/// <param name="Mailed">Recipients sent an e-mail now.</param>
/// <param name="Letters">Recipients with a postal address: a PDF letter written, to print and post.</param>
public sealed record AmendmentNoticesSent(int Mailed, int Letters);

/// <summary>
/// Sends an accepted amendment to each recipient not yet told (45 CFR 164.526(c)(3): within a reasonable time): by e-mail
/// through the SMTP set-up when the address is an e-mail address, else as a PDF letter kept in the document store for
/// HIM to print and post. Each recipient's SentAt and SentHow are recorded as it goes, so a retry after a relay failure
/// sends only to those left. Runs in a job (<see cref="SendAmendmentNoticesJob"/>); no address or text is logged.
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class SendAmendmentNoticesHandler(PermissionCheck permissions, HimDbContext db, MailSender mail, IDocumentStore store, AmendmentDesk desk,
    HospitalTime hospital, TimeProvider clock) : Handler<SendAmendmentNoticesCommand, Result<AmendmentNoticesSent>>(permissions)
{
    public const string Subject = "Amendment to a health record you hold";

    protected override async Task<Result<AmendmentNoticesSent>> ExecuteAsync(SendAmendmentNoticesCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var request = await db.AmendmentRequests.AsNoTracking().SingleOrDefaultAsync(a => a.Id == command.AmendmentId, ct);
        if (request is null || request.Status != AmendmentStatuses.Accepted || request.AmendmentDocumentId is not { } documentId)
        {
            return Error.NotFound("There is no such accepted amendment.");
        }

        var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == request.PatientId)
            .Select(p => new { p.GivenNames, p.FamilyName, p.BirthDate }).SingleAsync(ct);
        var text = await db.Set<ClinicalNote>().AsNoTracking().Where(n => n.Id == documentId).Select(n => n.Text).SingleAsync(ct) ?? "";
        var pending = await db.AmendmentRecipients.AsNoTracking().Where(r => r.AmendmentId == request.Id && r.SentAt == null).OrderBy(r => r.Id).ToListAsync(ct);
        var body = new List<string>
        {
            $"The patient {patient.GivenNames} {patient.FamilyName}, born {patient.BirthDate:yyyy-MM-dd}, asked us to amend an item of their health record, " +
            $"and we accepted the amendment on {hospital.DayOf(request.DecidedAt!.Value):MMMM d, yyyy} (reference {request.Display}).",
            "",
            $"The item: {request.ItemDescription}.",
            "",
            "The amendment, as appended to the record:",
            text,
            "",
            "You receive it because the patient named you, or because our records show that we disclosed the item to you. Please link it to the " +
            "item in your records (45 CFR 164.526(c)(3), (e)).",
        };
        int mailed = 0, letters = 0;
        foreach (var recipient in pending)
        {
            var now = clock.GetUtcNow();
            string how;
            string? note = null;
            Guid? letter = null;
            if (IsEmail(recipient.Address) && mail.IsConfigured)
            {
                await mail.SendAsync(mail.Compose(recipient.Address!.Trim(), recipient.Name, Subject, string.Join('\n', body)), ct);
                how = "e-mail";
                mailed++;
            }
            else
            {
                var pdf = LetterPdf.Write(new LetterContent($"{desk.Settings.HospitalName} - Health Information Management",
                    [recipient.Name, .. (recipient.Address ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                    hospital.DayOf(now), Subject, body, request.Display));
                var objectId = Guid.CreateVersion7(now);
                using (var content = new MemoryStream(pdf, writable: false))
                {
                    await store.PutAsync(objectId, content, ct);
                }

                how = "letter";
                note = $"letter to print: {objectId:D}";
                letter = objectId;
                letters++;
            }

            await db.InTransactionAsync(async token =>
            {
                var row = await db.AmendmentRecipients.SingleAsync(r => r.Id == recipient.Id, token);
                row.SentAt = now;
                row.SentHow = how;
                row.LetterObjectId = letter;
                var tracked = await db.AmendmentRequests.AsNoTracking().SingleAsync(a => a.Id == request.Id, token);
                desk.Note(tracked, "sent", $"{recipient.Source} by {how}" + (note is null ? "" : "; " + note), now);
                await db.SaveChangesAsync(token);
                await desk.AuditAsync(AuditAction.Disclose, tracked, $"completion.amendment-sent; recipient={recipient.Id:D}; how={how}", token);
                return true;
            }, ct);
        }

        return Result<AmendmentNoticesSent>.Success(new AmendmentNoticesSent(mailed, letters));
    }

    internal static bool IsEmail(string? address) =>
        address is { } a && !a.Contains('\n', StringComparison.Ordinal) && MailAddress.TryCreate(a.Trim(), out var parsed) && parsed.Address == a.Trim();
}

/// <summary>The amendment whose recipients are told (its id only: names and addresses are read when the job runs).</summary>
public sealed record AmendmentNoticesPayload(Guid AmendmentId) : IJobPayload;

/// <summary>completion.amendment-notices: sends an accepted amendment to its recipients, as the author who accepted it; retried if the relay fails.</summary>
[JobKind(Kind)]
public sealed class SendAmendmentNoticesJob(SendAmendmentNoticesHandler send) : IJobWork
{
    public const string Kind = "completion.amendment-notices";

    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var result = await send.HandleAsync(new SendAmendmentNoticesCommand(job.Payload<AmendmentNoticesPayload>().AmendmentId), ct);
        if (result.Error is { } refused)
        {
            job.FailureMessage = refused.Message;
            return JobOutcome.Failed;
        }

        job.Result = result.Value;
        return JobOutcome.Succeeded;
    }
}
