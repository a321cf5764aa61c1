using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Notices.GetNoticeLetter;

public sealed record GetNoticeLetterQuery(Guid NoticeId);

public sealed record NoticeLetter(byte[] Pdf, string FileName);

/// <summary>
/// The letter of one of the physician's notices (a PDF naming each deficiency: MRN, stay, rule, due). It names patients'
/// records, so each download is audited against each stay it names, in one transaction with the read.
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class GetNoticeLetterHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, IDocumentStore store)
    : Handler<GetNoticeLetterQuery, Result<NoticeLetter>>(permissions)
{
    protected override async Task<Result<NoticeLetter>> ExecuteAsync(GetNoticeLetterQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var mine = MyPractitioners.Of(db, actors.Current.UserId ?? Guid.Empty);
        return await db.InTransactionAsync<Result<NoticeLetter>>(async token =>
        {
            var notice = await db.CompletionNotices.AsNoTracking()
                .Where(n => n.Id == query.NoticeId && mine.Contains(n.PractitionerId))
                .Select(n => new { n.Id, n.Kind, n.LetterObjectId, n.DeficiencyIds, n.SentAt })
                .SingleOrDefaultAsync(token);
            if (notice?.LetterObjectId is not { } objectId)
            {
                return Error.NotFound();
            }

            using var copy = new MemoryStream();
            // Read and closed before the next statement: the store streams on the context's connection.
            await using (var stream = await store.OpenReadAsync(objectId, token))
            {
                if (stream is null)
                {
                    return Error.NotFound();
                }

                await stream.CopyToAsync(copy, token);
            }

            var stays = await db.Deficiencies.AsNoTracking().Where(d => notice.DeficiencyIds.Contains(d.Id))
                .Select(d => new { d.EncounterId, d.PatientId }).Distinct().ToListAsync(token);
            foreach (var stay in stays)
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Encounter", stay.EncounterId.ToString("D"), stay.PatientId,
                    Details: $"completion.notice-letter {notice.Kind}; notice {notice.Id:D}"), token);
            }

            return Result<NoticeLetter>.Success(new NoticeLetter(copy.ToArray(), $"notice-{notice.Kind}-{notice.SentAt:yyyyMMdd}-{notice.Id.ToString("N")[..8]}.pdf"));
        }, ct);
    }
}
