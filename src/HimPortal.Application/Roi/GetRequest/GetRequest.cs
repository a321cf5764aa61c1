using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.ListRequests;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.GetRequest;

public sealed record GetRequestQuery(Guid RequestId);

public sealed record RequestPatient(Guid Id, string Name, string? Mrn, DateOnly? BirthDate);

public sealed record AttachedDocument(Guid DocumentId, string Role, string? DocumentType, DateOnly? DocumentDate, int PageCount, DateTimeOffset AttachedAt);

public sealed record TimelineEntry(DateTimeOffset At, string Kind, string? FromStatus, string? ToStatus, string Note, string? UserName);

public sealed record RequestLetterRow(Guid Id, string Kind, DateTimeOffset CreatedAt, int PageCount);

/// <param name="ExtensionRefusal">Why no extension can be given now (null when one can).</param>
public sealed record RequestView(
    ReleaseRequest Request,
    RequesterRule Rule,
    RequestPatient Patient,
    RequestClockStatus? Clock,
    string? ExtensionRefusal,
    IReadOnlyList<AttachedDocument> Documents,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<RequestLetterRow> Letters);

public sealed class GetRequestValidator : AbstractValidator<GetRequestQuery>
{
    public GetRequestValidator() => RuleFor(q => q.RequestId).NotEmpty();
}

/// <summary>
/// One request for its overview page: every field, the patient, the attached scanned documents, the clock with its rule,
/// the letters, and the timeline oldest first. A view of the request, audited as one (ResourceType ReleaseRequest).
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class GetRequestHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    RequestClock clock,
    IValidator<GetRequestQuery> validator) : Handler<GetRequestQuery, Result<RequestView>>(permissions)
{
    protected override async Task<Result<RequestView>> ExecuteAsync(GetRequestQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<RequestView>>(async token =>
        {
            var request = await db.ReleaseRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.RequestId, token);
            if (request is null)
            {
                return Error.NotFound();
            }

            var patient = await db.Set<Patient>().Where(p => p.Id == request.PatientId)
                .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.Mrn, p.BirthDate }).SingleAsync(token);
            var documents = await db.RequestDocuments.Where(d => d.RequestId == request.Id)
                .Join(db.Set<ScannedDocument>(), d => d.DocumentId, s => s.Id, (d, s) => new { d, s })
                .OrderBy(x => x.d.Id)
                .Select(x => new AttachedDocument(x.d.DocumentId, x.d.Role,
                    db.Set<DocumentType>().Where(t => t.Id == x.s.DocumentTypeId).Select(t => t.Name).FirstOrDefault(),
                    x.s.DocumentDate, x.s.PageCount, x.d.AttachedAt))
                .ToListAsync(token);
            var timeline = await db.RequestEvents.Where(e => e.RequestId == request.Id).OrderBy(e => e.Id)
                .Select(e => new TimelineEntry(e.At, e.Kind, e.FromStatus, e.ToStatus, e.Note, e.UserName)).ToListAsync(token);
            var letters = await db.RoiLetters.Where(l => l.RequestId == request.Id).OrderBy(l => l.CreatedAt)
                .Select(l => new RequestLetterRow(l.Id, l.Kind, l.CreatedAt, l.PageCount)).ToListAsync(token);
            var status = request.DueDay is { } day && request.DueAt is { } at ? clock.Status(day, at) : null;
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "ReleaseRequest", request.Id.ToString("D"), request.PatientId,
                Details: $"request {request.Display} viewed"), token);
            return Result<RequestView>.Success(new RequestView(request, RequesterRules.For(request.RequesterType),
                new RequestPatient(patient.Id, ListRequestsHandler.PatientName(patient.GivenNames, patient.FamilyName), patient.Mrn, patient.BirthDate),
                RequestStatuses.Closed.Contains(request.Status) ? null : status, clock.ExtensionRefusal(request), documents, timeline, letters));
        }, ct);
    }
}
