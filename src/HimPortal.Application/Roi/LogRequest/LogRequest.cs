using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.LogRequest;

/// <summary>A scanned document from document intake to attach, with what it is to the request (<see cref="RequestDocumentRoles"/>).</summary>
public sealed record AttachDocument(Guid DocumentId, string Role);

/// <summary>
/// What a request says, as the specialist enters it (logging and editing share it).
/// </summary>
/// <param name="ReceivedAt">When the request reached the hospital (the clock's start): may be in the past, never in the future.</param>
/// <param name="StateCode">Two letters; null for the hospital's state (settings).</param>
/// <param name="UnencryptedEmailWarningConfirmed">The individual was warned of unencrypted e-mail's risk and still asked for it.</param>
public sealed record RequestFields(
    string RequesterType,
    string RequesterName,
    string? RequesterOrganization,
    string? RequesterAddress,
    string? RequesterEmail,
    string? RequesterPhone,
    string? Purpose,
    string ScopeKind,
    DateOnly? ScopeFrom,
    DateOnly? ScopeTo,
    IReadOnlyList<Guid> ScopeEncounterIds,
    IReadOnlyList<string> ScopeDocumentTypes,
    IReadOnlyList<string> ScopeSections,
    string Format,
    string Delivery,
    bool UnencryptedEmailWarningConfirmed,
    DateTimeOffset ReceivedAt,
    string? IdentityVerification,
    bool RepresentativeAuthorityChecked,
    DateOnly? ReturnDate,
    bool CertificationRequested,
    string? LegalObjections,
    string? SatisfactoryAssurances,
    bool Part2CourtOrder,
    string? StateCode,
    IReadOnlyList<AttachDocument> Documents);

public sealed record LogRequestCommand(Guid PatientId, RequestFields Fields);

public sealed record LoggedRequest(Guid Id, long Number, string Display, DateOnly DueDay, string ClockCitation)
{
    public static LoggedRequest Of(ReleaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(request.Id, request.Number, request.Display, request.DueDay!.Value, request.ClockCitation!);
    }
}

/// <summary>The chart sections a specific request may name (Application/Access/ChartSection, kebab-cased; the packet reads the same names).</summary>
public static class ScopeSections
{
    public static readonly IReadOnlyList<string> All =
    [
        "demographics", "encounters", "documents", "allergies", "problems", "medications", "immunizations", "procedures", "lab-results",
        "vital-signs", "other-observations", "imaging",
    ];
}

/// <summary>The rules a request's fields must keep, with messages a specialist can act on.</summary>
public sealed class RequestFieldsValidator : AbstractValidator<RequestFields>
{
    public RequestFieldsValidator(TimeProvider time)
    {
        RuleFor(f => f.RequesterType).Must(RequesterRules.IsKnown).WithMessage("Choose who is asking (the requester type).");
        RuleFor(f => f.RequesterName).NotEmpty().WithMessage("Enter the requester's name.").MaximumLength(200);
        RuleFor(f => f.RequesterOrganization).MaximumLength(200);
        RuleFor(f => f.RequesterAddress).MaximumLength(500);
        RuleFor(f => f.RequesterEmail).EmailAddress().WithMessage("Enter a valid e-mail address.").MaximumLength(254)
            .When(f => !string.IsNullOrWhiteSpace(f.RequesterEmail));
        RuleFor(f => f.RequesterPhone).MaximumLength(40);
        RuleFor(f => f.Purpose).MaximumLength(500);
        RuleFor(f => f.ScopeKind).Must(k => ScopeKinds.All.Contains(k)).WithMessage("Choose what is asked for: the designated record set, the whole record, or specific records.");
        RuleFor(f => f).Must(f => f.ScopeFrom is not null || f.ScopeTo is not null || f.ScopeEncounterIds.Count > 0 || f.ScopeDocumentTypes.Count > 0 || f.ScopeSections.Count > 0)
            .When(f => f.ScopeKind == ScopeKinds.Specific).WithName(nameof(RequestFields.ScopeKind))
            .WithMessage("A specific request names at least a date range, an encounter, a document type or a section.");
        RuleFor(f => f).Must(f => f.ScopeFrom <= f.ScopeTo).When(f => f.ScopeFrom is not null && f.ScopeTo is not null)
            .WithName(nameof(RequestFields.ScopeTo)).WithMessage("The scope's end date is before its start date.");
        RuleForEach(f => f.ScopeSections).Must(s => ScopeSections.All.Contains(s)).WithMessage("Choose chart sections from the list.");
        RuleForEach(f => f.ScopeDocumentTypes).NotEmpty().MaximumLength(20);
        RuleFor(f => f.Format).Must(f => ReleaseFormats.All.Contains(f)).WithMessage("Choose the format: paper, PDF or FHIR JSON.");
        RuleFor(f => f.Delivery).Must(d => DeliveryMethods.All.Contains(d)).WithMessage("Choose how the copy is delivered.");
        // Unencrypted e-mail only at the individual's own request, after the risk was explained (164.524(c)(2); 2013 Omnibus Rule preamble).
        RuleFor(f => f.Delivery).Must((f, _) => RequesterRules.IsKnown(f.RequesterType) && RequesterRules.For(f.RequesterType).Individual)
            .When(f => f.Delivery == DeliveryMethods.UnencryptedEmail)
            .WithMessage("Unencrypted e-mail is only for the individual's own request (45 CFR 164.524(c)(2)); choose secure download, mail or pickup.");
        RuleFor(f => f.UnencryptedEmailWarningConfirmed).Equal(true).When(f => f.Delivery == DeliveryMethods.UnencryptedEmail)
            .WithMessage("Warn the individual that unencrypted e-mail can be read by others, and confirm they still want it.");
        RuleFor(f => f.RequesterEmail).NotEmpty().When(f => f.Delivery is DeliveryMethods.UnencryptedEmail or DeliveryMethods.SecureDownload)
            .WithMessage("Enter the e-mail address the copy (or its download link) goes to.");
        RuleFor(f => f.RequesterAddress).NotEmpty().When(f => f.Delivery == DeliveryMethods.Mail).WithMessage("Enter the postal address for mail delivery.");
        RuleFor(f => f.ReceivedAt).Must(r => r <= time.GetUtcNow().AddMinutes(1)).WithMessage("The received date cannot be in the future.");
        RuleFor(f => f.ReceivedAt).Must(r => r >= time.GetUtcNow().AddYears(-7)).WithMessage("The received date is more than seven years ago: check it.");
        RuleFor(f => f.IdentityVerification).MaximumLength(500);
        RuleFor(f => f.ReturnDate).Null().When(f => RequesterRules.IsKnown(f.RequesterType) && !RequesterRules.For(f.RequesterType).LegalProcess)
            .WithMessage("A return date belongs to a subpoena or court order.");
        RuleFor(f => f.LegalObjections).MaximumLength(2000);
        RuleFor(f => f.SatisfactoryAssurances).MaximumLength(2000);
        RuleFor(f => f.SatisfactoryAssurances).Empty().When(f => f.RequesterType != RequesterTypes.Subpoena)
            .WithMessage("Satisfactory assurances (45 CFR 164.512(e)(1)(ii)) belong to a subpoena or discovery request.");
        // A subpoena alone never releases records of a Part 2 program: only a court order under 42 CFR 2.64 does.
        RuleFor(f => f.Part2CourtOrder).Equal(false).When(f => f.RequesterType != RequesterTypes.CourtOrder)
            .WithMessage("Only a court order can be a Part 2 court order (42 CFR 2.64); a subpoena alone never releases Part 2 records.");
        RuleFor(f => f.StateCode).Matches("^[A-Z]{2}$").When(f => !string.IsNullOrEmpty(f.StateCode)).WithMessage("The state is two capital letters, e.g. MA.");
        RuleForEach(f => f.Documents).ChildRules(d =>
            d.RuleFor(x => x.Role).Must(r => RequestDocumentRoles.All.Contains(r)).WithMessage("Choose what the attached document is."));
        RuleFor(f => f.Documents).Must(d => d.Count <= 20).WithMessage("Attach at most 20 documents at once.");
    }
}

public sealed class LogRequestValidator : AbstractValidator<LogRequestCommand>
{
    public LogRequestValidator(TimeProvider time)
    {
        RuleFor(c => c.PatientId).NotEmpty().WithMessage("Find the patient the records are about.");
        RuleFor(c => c.Fields).NotNull().SetValidator(new RequestFieldsValidator(time));
    }
}

/// <summary>
/// Checks the references of a request's fields against the database (the patient's own encounters and filed documents,
/// the intake catalogue's LOINC codes, a configured state) and writes the fields onto the request. Logging and editing
/// both use it, so both refuse the same things.
/// </summary>
public sealed class RequestFieldsWriter(HimDbContext db, RequestClock clock, RequestTimeline timeline, IAuditActorAccessor actors, TimeProvider time)
{
    /// <summary>
    /// A new request in status received, its fields and documents written and its clock started, and the timeline's
    /// "logged" line (<paramref name="how"/> says through which door it came): saved in the caller's transaction. The
    /// specialist's form and the patient portal both log through here, so both requests are the same request.
    /// </summary>
    public async Task<ReleaseRequest> LogAsync(Guid patientId, RequestFields fields, string how, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var request = new ReleaseRequest
        {
            Id = Guid.CreateVersion7(),
            PatientId = patientId,
            RequesterType = fields.RequesterType,
            RequesterName = fields.RequesterName,
            ScopeKind = fields.ScopeKind,
            Format = fields.Format,
            Delivery = fields.Delivery,
            Status = RequestStatuses.Received,
            StateCode = "MA",
            CreatedAt = time.GetUtcNow(),
            CreatedByUserId = actors.Current.UserId,
        };
        db.ReleaseRequests.Add(request);
        await WriteAsync(request, fields, [], ct);
        await db.SaveChangesAsync(ct);
        timeline.Append(request.Id, "logged", $"{how}: {RequesterRules.For(request.RequesterType).Title}; due {request.DueDay:yyyy-MM-dd} ({request.ClockCitation}).");
        await db.SaveChangesAsync(ct);
        return request;
    }

    public async Task<IReadOnlyList<FieldError>> CheckAsync(Guid patientId, RequestFields fields, IReadOnlyCollection<Guid> alreadyAttached, CancellationToken ct)
    {
        var problems = new List<FieldError>();
        if (fields.ScopeEncounterIds.Count > 0)
        {
            var ids = fields.ScopeEncounterIds.Distinct().ToArray();
            var own = await db.Set<Encounter>().CountAsync(e => ids.Contains(e.Id) && e.PatientId == patientId, ct);
            if (own != ids.Length)
            {
                problems.Add(new FieldError(nameof(RequestFields.ScopeEncounterIds), "Choose encounters of this patient."));
            }
        }

        if (fields.ScopeDocumentTypes.Count > 0)
        {
            var codes = fields.ScopeDocumentTypes.Distinct().ToArray();
            var known = await db.Set<Data.Documents.DocumentType>().Where(t => t.LoincCode != null && codes.Contains(t.LoincCode)).Select(t => t.LoincCode).Distinct().CountAsync(ct);
            if (known != codes.Length)
            {
                problems.Add(new FieldError(nameof(RequestFields.ScopeDocumentTypes), "Choose document types from the intake catalogue."));
            }
        }

        if (fields.StateCode is { Length: 2 } state && !await db.StateRules.AnyAsync(s => s.StateCode == state && s.Active, ct)
            && await db.RoiSettings.Select(s => s.HospitalState).SingleAsync(ct) != state)
        {
            problems.Add(new FieldError(nameof(RequestFields.StateCode), $"No rules are configured for {state}: add the state in the ROI settings, or choose another."));
        }

        var documents = fields.Documents.Select(d => d.DocumentId).Where(id => !alreadyAttached.Contains(id)).Distinct().ToArray();
        if (documents.Length > 0)
        {
            var filed = await db.Set<Data.Documents.ScannedDocument>().CountAsync(d => documents.Contains(d.Id) && d.PatientId == patientId && d.Status == Data.Documents.ScannedDocumentStatus.Filed, ct);
            if (filed != documents.Length)
            {
                problems.Add(new FieldError(nameof(RequestFields.Documents), "Attach only scanned documents filed to this patient."));
            }
        }

        return problems;
    }

    /// <summary>Writes the fields, attaches the new documents and recomputes the due date; the caller saves in its transaction.</summary>
    public async Task WriteAsync(ReleaseRequest request, RequestFields fields, IReadOnlyCollection<(Guid DocumentId, string Role)> attached, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        request.RequesterType = fields.RequesterType;
        request.RequesterName = fields.RequesterName.Trim();
        request.RequesterOrganization = Trim(fields.RequesterOrganization);
        request.RequesterAddress = Trim(fields.RequesterAddress)?.Replace("\r\n", "\n", StringComparison.Ordinal);
        request.RequesterEmail = Trim(fields.RequesterEmail);
        request.RequesterPhone = Trim(fields.RequesterPhone);
        request.Purpose = Trim(fields.Purpose);
        request.ScopeKind = fields.ScopeKind;
        var specific = fields.ScopeKind == ScopeKinds.Specific;
        request.ScopeFrom = specific ? fields.ScopeFrom : null;
        request.ScopeTo = specific ? fields.ScopeTo : null;
        request.ScopeEncounterIds = specific ? [.. fields.ScopeEncounterIds.Distinct()] : [];
        request.ScopeDocumentTypes = specific ? [.. fields.ScopeDocumentTypes.Distinct()] : [];
        request.ScopeSections = specific ? [.. fields.ScopeSections.Distinct()] : [];
        request.Format = fields.Format;
        request.Delivery = fields.Delivery;
        request.UnencryptedEmailWarnedAt = fields.Delivery == DeliveryMethods.UnencryptedEmail ? request.UnencryptedEmailWarnedAt ?? now : null;
        request.ReceivedAt = fields.ReceivedAt;
        request.IdentityVerification = Trim(fields.IdentityVerification);
        request.RepresentativeAuthorityChecked = fields.RepresentativeAuthorityChecked;
        request.ReturnDate = fields.ReturnDate;
        request.CertificationRequested = fields.CertificationRequested;
        request.LegalObjections = Trim(fields.LegalObjections);
        request.SatisfactoryAssurances = Trim(fields.SatisfactoryAssurances);
        request.Part2CourtOrder = fields.Part2CourtOrder;
        request.StateCode = string.IsNullOrEmpty(fields.StateCode)
            ? await db.RoiSettings.Select(s => s.HospitalState).SingleAsync(ct)
            : fields.StateCode;
        foreach (var document in fields.Documents.DistinctBy(d => (d.DocumentId, d.Role)).Where(d => !attached.Contains((d.DocumentId, d.Role))))
        {
            db.RequestDocuments.Add(new RequestDocument
            {
                RequestId = request.Id, DocumentId = document.DocumentId, Role = document.Role, AttachedAt = now, AttachedByUserId = actors.Current.UserId,
            });
        }

        await clock.ApplyAsync(request, ct);
    }

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>
/// An ROI specialist logs a request for records (issue 17 item 1): who asks and under which rule, for which patient,
/// what, in which form, how it leaves, when it arrived, how the requester was verified, legal process's fields, and the
/// scanned letters from document intake. Its clock starts at receipt (<see cref="RequestClock"/>). One transaction: the
/// request, its documents, the timeline's "logged", the audit row; nothing is saved on bad input.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class LogRequestHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    RequestFieldsWriter writer,
    IValidator<LogRequestCommand> validator) : Handler<LogRequestCommand, Result<LoggedRequest>>(permissions)
{
    protected override async Task<Result<LoggedRequest>> ExecuteAsync(LogRequestCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        if (!await db.Set<Patient>().AnyAsync(p => p.Id == command.PatientId, ct))
        {
            return Error.Invalid("Find the patient the records are about.", nameof(LogRequestCommand.PatientId));
        }

        var problems = await writer.CheckAsync(command.PatientId, command.Fields, [], ct);
        if (problems.Count > 0)
        {
            return Error.Invalid(problems);
        }

        return await db.InTransactionAsync<Result<LoggedRequest>>(async token =>
        {
            var request = await writer.LogAsync(command.PatientId, command.Fields, "Logged", token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "ReleaseRequest", request.Id.ToString("D"), request.PatientId,
                Details: $"request {request.Display} logged; type={request.RequesterType}; scope={request.ScopeKind}; documents={command.Fields.Documents.Count}"), token);
            return Result<LoggedRequest>.Success(LoggedRequest.Of(request));
        }, ct);
    }
}
