using FluentValidation;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Letters;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Completion.Amendments;

/// <summary>A ground of denial (45 CFR 164.526(a)(2)) in plain words, as the author chooses it and the letter states it.</summary>
public sealed record AmendmentDenialGround(string Code, string Title, string LetterText, string Citation);

public static class AmendmentDenialGroundTexts
{
    public static readonly IReadOnlyList<AmendmentDenialGround> All =
    [
        new(AmendmentDenialGrounds.AccurateAndComplete, "The item is accurate and complete",
            "The information you asked us to change is accurate and complete as it stands.", "45 CFR 164.526(a)(2)(iv)"),
        new(AmendmentDenialGrounds.NotCreatedHere, "The item was not created by this hospital",
            "The information was not created by this hospital, and its author is available to act on your request.", "45 CFR 164.526(a)(2)(i)"),
        new(AmendmentDenialGrounds.NotInRecordSet, "The item is not part of the designated record set",
            "The information is not part of the records we use to make decisions about you (the designated record set).", "45 CFR 164.526(a)(2)(ii)"),
        new(AmendmentDenialGrounds.NotAvailableForInspection, "The item is not open to inspection",
            "The information is not information you have a right to inspect under 45 CFR 164.524.", "45 CFR 164.526(a)(2)(iii)"),
    ];

    public static AmendmentDenialGround? Find(string? code) => All.FirstOrDefault(g => g.Code == code);
}

/// <summary>What HIM's and the author's amendment handlers share: the history, the letters kept as sent, the audit rows.</summary>
public sealed class AmendmentDesk(HimDbContext db, IDocumentStore store, AccessAudit audit, IAuditActorAccessor actors, IOptions<AmendmentOptions> options,
    HospitalTime hospital)
{
    public static readonly Error Stale = Error.Conflict("This request changed since you opened it: open it again.");

    public AmendmentOptions Settings => options.Value;

    public Guid? UserId => actors.Current.UserId;

    /// <summary>
    /// The request to change, tracked; not found, or <see cref="Stale"/> when it changed since the page showed it
    /// (optimistic concurrency: the page posts the version it read). With <paramref name="authorOnly"/>, only a request
    /// routed to the signed-in physician and still open: anyone else's is not found.
    /// </summary>
    public async Task<Result<AmendmentRequest>> EditAsync(Guid id, uint version, bool authorOnly, CancellationToken ct)
    {
        var mine = MyPractitioners.Of(db, UserId ?? Guid.Empty);
        var request = await db.AmendmentRequests.SingleOrDefaultAsync(a => a.Id == id && (!authorOnly || (a.Status == AmendmentStatuses.Routed
            && a.AuthorPractitionerId != null && mine.Contains(a.AuthorPractitionerId.Value))), ct);
        if (request is null)
        {
            return Error.NotFound(authorOnly ? "There is no such request in your inbox." : "There is no such request to amend.");
        }

        return request.Version == version ? Result<AmendmentRequest>.Success(request) : Stale;
    }

    /// <summary>
    /// The preamble every change of a request shares: validate the command, then, in one transaction, load the request
    /// (<see cref="EditAsync"/>: not found, or <see cref="Stale"/> on a version the page did not read) and apply
    /// <paramref name="change"/>. A concurrent write caught at save is <see cref="Stale"/> too.
    /// </summary>
    public async Task<Result<T>> ChangeAsync<TCommand, T>(IValidator<TCommand> validator, TCommand command, Guid id, uint version, bool authorOnly,
        Func<AmendmentRequest, CancellationToken, Task<Result<T>>> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(change);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await Versioned.InTransactionAsync<T>(db, Stale, async token =>
        {
            var edit = await EditAsync(id, version, authorOnly, token);
            return edit.Error is { } refused ? refused : await change(edit.Value!, token);
        }, ct);
    }

    public void Note(AmendmentRequest request, string kind, string? note, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        db.AmendmentEvents.Add(new AmendmentEvent { Id = Guid.CreateVersion7(now), AmendmentId = request.Id, At = now, Kind = kind, ByUserId = UserId, Note = note });
    }

    public Task AuditAsync(string action, AmendmentRequest request, string details, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return audit.RecordAsync(new AuditRecord(action, AuditOutcome.Success, "AmendmentRequest", request.Id.ToString("D"), request.PatientId,
            Purpose: "amendment (45 CFR 164.526)", Details: $"{details}; item={request.ResourceType}/{request.ResourceId:D}"), ct);
    }

    /// <summary>Writes a letter to the patient about <paramref name="request"/> and keeps it, as sent, in the document store. Returns its object id.</summary>
    public async Task<(Guid ObjectId, byte[] Pdf)> LetterAsync(AmendmentRequest request, string subject, IReadOnlyList<string> paragraphs, DateTimeOffset now,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == request.PatientId)
            .Select(p => new { p.GivenNames, p.FamilyName, p.AddressLine, p.City, p.State, p.PostalCode }).SingleAsync(ct);
        IReadOnlyList<string> to =
        [
            $"{patient.GivenNames} {patient.FamilyName}".Trim(),
            .. new[] { patient.AddressLine, string.Join(' ', new[] { patient.City, patient.State, patient.PostalCode }.Where(s => !string.IsNullOrWhiteSpace(s))) }
                .Where(s => !string.IsNullOrWhiteSpace(s))!,
        ];
        var pdf = LetterPdf.Write(new LetterContent($"{Settings.HospitalName} - Health Information Management", to, hospital.DayOf(now), subject,
            [.. paragraphs, "", "Health Information Management", Settings.HospitalName], request.Display));
        var objectId = Guid.CreateVersion7(now);
        using (var content = new MemoryStream(pdf, writable: false))
        {
            await store.PutAsync(objectId, content, ct);
        }

        return (objectId, pdf);
    }

    /// <summary>The paragraph every letter of a request opens with: what was asked, about what.</summary>
    public string Opening(AmendmentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"On {hospital.DayOf(request.ReceivedAt):MMMM d, yyyy} you asked us to amend this item of your record: {request.ItemDescription}. " +
               $"You asked for this change: \"{request.RequestedChange}\"";
    }

    /// <summary>How to complain, to the hospital and to the Secretary (45 CFR 164.526(d)(1)(iv)).</summary>
    public string Complaints() =>
        $"How to complain. You may complain to the hospital: {Settings.ComplaintContactName}, {Settings.ComplaintContactTitle}, telephone " +
        $"{Settings.ComplaintContactPhone}. You may also complain to the Secretary of the U.S. Department of Health and Human Services, Office for " +
        "Civil Rights, 200 Independence Avenue SW, Washington, DC 20201, telephone 1-800-368-1019, or online at www.hhs.gov/ocr/complaints. " +
        "We will not retaliate against you for filing a complaint (45 CFR 164.526(d)(1)(iv)).";
}
