using FluentValidation;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Authorizations;

/// <summary>
/// The frame every change to a request here shares: validate, then the request change of the whole workflow
/// (<see cref="Roi.RequestChange"/>: one transaction, not found, closed refused, the version the user saw held).
/// </summary>
public static class AuthorizationChange
{
    /// <param name="seenVersion">The request's version the user saw; null when the change does not edit the request row itself.</param>
    /// <param name="requireOpen">Refuse a delivered, denied or withdrawn request.</param>
    public static async Task<Result<T>> RunAsync<TCommand, T>(
        HimDbContext db,
        IValidator<TCommand> validator,
        TCommand command,
        Guid requestId,
        uint? seenVersion,
        Func<ReleaseRequest, CancellationToken, Task<Result<T>>> change,
        CancellationToken ct,
        bool requireOpen = true)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(change);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await Roi.RequestChange.RunAsync(db, requestId, seenVersion, requireOpen, change, ct);
    }

    /// <summary>Whether a scanned document is filed to the patient (a request may only point at the patient's own documents).</summary>
    public static Task<bool> IsPatientsDocumentAsync(HimDbContext db, Guid documentId, Guid patientId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<ScannedDocument>().AnyAsync(d => d.Id == documentId && d.PatientId == patientId, ct);
    }

    /// <summary>The patient's date of death in the hospital's time zone, or null (an authorization signed later needs a personal representative).</summary>
    public static async Task<DateOnly?> PatientDiedOnAsync(HimDbContext db, HospitalTime hospital, Guid patientId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(hospital);
        var died = await db.Set<HimPortal.Data.Clinical.Patient>().Where(p => p.Id == patientId).Select(p => p.DeceasedAt).SingleOrDefaultAsync(ct);
        return died is { } at ? hospital.DayOf(at) : null;
    }
}
