using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.LogRequest;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.EditRequest;

/// <param name="Version">The request's version the specialist saw.</param>
public sealed record EditRequestCommand(Guid RequestId, RequestFields Fields, uint Version);

public sealed class EditRequestValidator : AbstractValidator<EditRequestCommand>
{
    public EditRequestValidator(TimeProvider time)
    {
        RuleFor(c => c.RequestId).NotEmpty();
        RuleFor(c => c.Fields).NotNull().SetValidator(new RequestFieldsValidator(time));
    }
}

/// <summary>
/// Corrects an open request's fields (the patient stays: a request for another patient is another request). Optimistic
/// concurrency on the request's version; the due date is recomputed when the received date, type, state or return date
/// change (an extension already given stays given); documents are only added (attachments are evidence: PostgreSQL refuses
/// their deletion). The timeline notes the edit and which clock facts changed; audited in the same transaction.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class EditRequestHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    RequestFieldsWriter writer,
    RequestTimeline timeline,
    IValidator<EditRequestCommand> validator) : Handler<EditRequestCommand, Result<uint>>(permissions)
{
    protected override async Task<Result<uint>> ExecuteAsync(EditRequestCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await RequestChange.RunAsync<uint>(db, command.RequestId, command.Version, async (request, token) =>
        {
            if (RequestStatuses.Closed.Contains(request.Status))
            {
                return Error.Conflict($"The request is {request.Status}: a closed request is not edited.");
            }

            var attached = await db.RequestDocuments.Where(d => d.RequestId == request.Id).Select(d => new { d.DocumentId, d.Role }).ToListAsync(token);
            var problems = await writer.CheckAsync(request.PatientId, command.Fields, [.. attached.Select(a => a.DocumentId)], token);
            if (problems.Count > 0)
            {
                return Error.Invalid(problems);
            }

            var before = (request.DueDay, request.ClockRule);
            await writer.WriteAsync(request, command.Fields, [.. attached.Select(a => (a.DocumentId, a.Role))], token);
            var clockNote = before == (request.DueDay, request.ClockRule) ? "" : $" Due date now {request.DueDay:yyyy-MM-dd} ({request.ClockCitation}).";
            timeline.Note(request, "edited", "Request details corrected." + clockNote);
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "ReleaseRequest", request.Id.ToString("D"), request.PatientId,
                Details: $"request {request.Display} edited" + (clockNote.Length > 0 ? "; due date recomputed" : "")), token);
            await db.Entry(request).ReloadAsync(token);
            return Result<uint>.Success(request.Version);
        }, ct);
    }
}
