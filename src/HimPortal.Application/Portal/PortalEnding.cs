using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal;

/// <summary>What ending a portal row answers when it cannot: no such row for the patient, ended already, changed meanwhile.</summary>
public sealed record EndingErrors(Error NotFound, Error AlreadyEnded, Error Conflict);

/// <summary>
/// Ends a portal row that is never deleted, so that who did what stays on record: an information-blocking hold lifted
/// (45 CFR 171) or a representative's grant revoked (45 CFR 164.502(g)). The row is looked for only under the patient
/// named (another patient's id is not found), ends once (a second end is a conflict), at the version the page showed
/// (optimistic concurrency), with the audit row in the same transaction.
/// </summary>
public static class PortalEnding
{
    /// <param name="row">The row, already narrowed to its id and the patient's.</param>
    /// <param name="ended">Whether it has ended already.</param>
    /// <param name="end">Ends it (who and when) and says what the audit records.</param>
    public static async Task<Result<bool>> EndAsync<T>(HimDbContext db, AccessAudit audit, IQueryable<T> row, uint version, EndingErrors errors,
        Func<T, bool> ended, Func<T, AuditRecord> end, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(ended);
        ArgumentNullException.ThrowIfNull(end);
        try
        {
            return await db.InTransactionAsync<Result<bool>>(async token =>
            {
                var entity = await row.SingleOrDefaultAsync(token);
                if (entity is null)
                {
                    return errors.NotFound;
                }

                if (ended(entity))
                {
                    return errors.AlreadyEnded;
                }

                db.Entry(entity).Property<uint>("Version").OriginalValue = version;
                var record = end(entity);
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(record, token);
                return Result<bool>.Success(true);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return errors.Conflict;
        }
    }
}
