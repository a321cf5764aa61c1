using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Notices.MarkNoticeRead;

public sealed record MarkNoticeReadCommand(Guid NoticeId);

public sealed class MarkNoticeReadValidator : AbstractValidator<MarkNoticeReadCommand>
{
    public MarkNoticeReadValidator() => RuleFor(c => c.NoticeId).NotEmpty().WithMessage("Choose a notice.");
}

/// <summary>
/// The physician marks one of their notices read. Only their own: anyone else's is not found (its existence is not
/// theirs to know). Marking twice keeps the first time; the notice itself never changes otherwise.
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class MarkNoticeReadHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock,
    IValidator<MarkNoticeReadCommand> validator) : Handler<MarkNoticeReadCommand, Result<DateTimeOffset>>(permissions)
{
    protected override async Task<Result<DateTimeOffset>> ExecuteAsync(MarkNoticeReadCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var mine = MyPractitioners.Of(db, actors.Current.UserId ?? Guid.Empty);
        return await db.InTransactionAsync<Result<DateTimeOffset>>(async token =>
        {
            var notice = await db.CompletionNotices.SingleOrDefaultAsync(n => n.Id == command.NoticeId && mine.Contains(n.PractitionerId), token);
            if (notice is null)
            {
                return Error.NotFound();
            }

            notice.ReadAt ??= clock.GetUtcNow();
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "CompletionNotice", notice.Id.ToString("D"),
                Details: $"completion.notice-read {notice.Kind}"), token);
            return Result<DateTimeOffset>.Success(notice.ReadAt.Value);
        }, ct);
    }
}
