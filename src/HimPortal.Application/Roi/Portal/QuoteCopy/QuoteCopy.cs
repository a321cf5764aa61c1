using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;

namespace HimPortal.Application.Roi.Portal.QuoteCopy;

public sealed record QuoteCopyQuery(Guid PatientId, CopyChoice Choice) : IPatientRequest;

public sealed class QuoteCopyValidator : AbstractValidator<QuoteCopyQuery>
{
    public QuoteCopyValidator(TimeProvider time) => RuleFor(q => q.Choice).NotNull().SetValidator(new CopyChoiceValidator(time));
}

/// <summary>
/// The fee a copy would cost, shown before the patient confirms (45 CFR 164.524(c)(4): the individual is told the fee in
/// advance; OCR's guidance), from release of information's fee rules for the patient (or their direction to a third party).
/// Nothing is logged as a request; the look is audited like any portal read of the person's record.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class QuoteCopyHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate, AccessAudit audit, IAuditActorAccessor actors,
    IValidator<QuoteCopyQuery> validator) : Handler<QuoteCopyQuery, Result<CopyQuote>>(permissions)
{
    protected override async Task<Result<CopyQuote>> ExecuteAsync(QuoteCopyQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<CopyQuote>>(async token =>
        {
            var entry = await PortalDoor.OpenAsync(gate, audit, query.PatientId, AuditAction.View, RoiAudit.ResourceType, null, "copies.fee", token);
            if (entry is null)
            {
                return Error.NotFound("There is no such record.");
            }

            var requester = await PortalRequester.OfAsync(db, entry, actors.Current.UserId, token);
            var quote = await PortalCopies.QuoteAsync(db, query.Choice, requester.Type, token);
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, RoiAudit.ResourceType, null, entry.Patient.Id,
                Purpose: "PATRQT", Details: $"portal.copies.fee; {PortalDoor.Reader(entry)}; total={quote.TotalCents}"), token);
            return Result<CopyQuote>.Success(quote);
        }, ct);
    }
}
