using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Letters;
using HimPortal.Data;
using HimPortal.Data.Roi;
using UglyToad.PdfPig;

namespace HimPortal.Application.Roi.ExtendRequest;

/// <param name="Reasons">Why access is delayed, as the notice tells the individual (164.524(b)(2)(ii)).</param>
public sealed record ExtendRequestCommand(Guid RequestId, string Reasons, uint Version);

public sealed record ExtensionNotice(Guid LetterId, DateOnly NewDueDay, string Citation, uint Version);

public sealed class ExtendRequestValidator : AbstractValidator<ExtendRequestCommand>
{
    public ExtendRequestValidator()
    {
        RuleFor(c => c.RequestId).NotEmpty();
        RuleFor(c => c.Reasons).NotEmpty().WithMessage("Give the reasons for the delay: the notice must state them (45 CFR 164.524(b)(2)(ii)).")
            .MaximumLength(2000);
    }
}

/// <summary>
/// The one extension of the right of access (45 CFR 164.524(b)(2)(ii)): only for the individual's own requests, only once,
/// and only while the first 30 days run (a notice after the deadline is refused with the rule cited). It writes the notice
/// (the reasons and the new date) as a letter kept with the request, moves the due date by 30 days, and notes it in the
/// timeline; a state's shorter deadline governs instead (45 CFR 160.203(b)), so no extension is given under one.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class ExtendRequestHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    RequestClock clock,
    RequestTimeline timeline,
    RoiLetterStore letters,
    HospitalTime hospital,
    TimeProvider time,
    IValidator<ExtendRequestCommand> validator) : Handler<ExtendRequestCommand, Result<ExtensionNotice>>(permissions)
{
    public const string From = "Health Information Management - Release of Information";

    protected override async Task<Result<ExtensionNotice>> ExecuteAsync(ExtendRequestCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await RequestChange.RunAsync<ExtensionNotice>(db, command.RequestId, command.Version, async (request, token) =>
        {
            if (clock.ExtensionRefusal(request) is { } refused)
            {
                return Error.Conflict(refused);
            }

            var now = time.GetUtcNow();
            var reasons = command.Reasons.Trim();
            var due = await clock.DueAsync(request.RequesterType, request.ReceivedAt, request.StateCode, request.ReturnDate, extended: true, token);
            var pdf = LetterPdf.Write(new LetterContent(From, Recipient(request), hospital.DayOf(now),
                "Your request for a copy of your health records: more time is needed",
                [
                    $"We received your request for your health records on {hospital.DayOf(request.ReceivedAt):MMMM d, yyyy}. The law gives us 30 days to act on it, and allows one extension of up to 30 more days when we tell you in writing, before the first 30 days end, why we need it and when you will have our answer (45 CFR 164.524(b)(2)).",
                    "",
                    "We need more time for this reason:",
                    reasons,
                    "",
                    $"You will have your copy, or our answer, no later than {due.DueDay:MMMM d, yyyy}.",
                    "",
                    "If you have questions, please contact the Release of Information office and quote the reference above.",
                ],
                request.Display, request.Display));
            int pages;
            using (var document = PdfDocument.Open(pdf))
            {
                pages = document.NumberOfPages;
            }

            var letter = await letters.SaveAsync(request.Id, request.PatientId, LetterKinds.ExtensionNotice, pdf, pages, token);
            request.ExtensionNoticeAt = now;
            request.ExtensionReason = reasons;
            request.DueDay = due.DueDay;
            request.DueAt = due.DueAt;
            request.ClockRule = due.Rule;
            request.ClockCitation = due.Citation;
            timeline.Note(request, "extension", $"Extension notice written; new due date {due.DueDay:yyyy-MM-dd} ({due.Citation}).");
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "ReleaseRequest", request.Id.ToString("D"), request.PatientId,
                Details: $"request {request.Display} extended to {due.DueDay:yyyy-MM-dd}; extension notice letter {letter.Id:D}"), token);
            await db.Entry(request).ReloadAsync(token);
            return Result<ExtensionNotice>.Success(new ExtensionNotice(letter.Id, due.DueDay, due.Citation, request.Version));
        }, ct);
    }

    private static string[] Recipient(ReleaseRequest request)
    {
        var lines = new List<string> { request.RequesterName };
        if (!string.IsNullOrWhiteSpace(request.RequesterOrganization))
        {
            lines.Add(request.RequesterOrganization);
        }

        if (!string.IsNullOrWhiteSpace(request.RequesterAddress))
        {
            lines.AddRange(request.RequesterAddress.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        else if (!string.IsNullOrWhiteSpace(request.RequesterEmail))
        {
            lines.Add(request.RequesterEmail);
        }

        return [.. lines];
    }
}
