using HimPortal.Application.Audit;
using HimPortal.Data;
using HimPortal.Data.Roi;

namespace HimPortal.Application.Roi;

/// <summary>
/// The one way a request changes status: it checks the move, sets the status and its reason, stamps closing, and appends
/// the step to the request's timeline (roi.request_events, append-only), in the caller's unit of work. Every use case of
/// release of information moves requests through here, so the timeline (and the evidence pack built from it) is whole.
/// </summary>
public sealed class RequestTimeline(HimDbContext db, IAuditActorAccessor actors, TimeProvider time)
{
    /// <summary>Whether a request may go from <paramref name="from"/> to <paramref name="to"/>: closed requests stay closed; only a ready or invoiced request is delivered; nothing goes back to received.</summary>
    public static bool CanMove(string from, string to)
    {
        if (from == to || RequestStatuses.Closed.Contains(from) || to == RequestStatuses.Received || !RequestStatuses.All.Contains(to))
        {
            return false;
        }

        return to != RequestStatuses.Delivered || from is RequestStatuses.Ready or RequestStatuses.Invoiced;
    }

    /// <summary>Moves the request and records the step; false (nothing changed) when the move is not allowed.</summary>
    public bool Move(ReleaseRequest request, string to, string note, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!CanMove(request.Status, to))
        {
            return false;
        }

        var now = time.GetUtcNow();
        var from = request.Status;
        request.Status = to;
        request.StatusReason = reason;
        if (RequestStatuses.Closed.Contains(to))
        {
            request.ClosedAt = now;
        }

        if (to == RequestStatuses.Delivered)
        {
            request.DeliveredAt = now;
        }

        Append(request.Id, "status", note, from, to);
        return true;
    }

    /// <summary>Records a step that does not change the status ("letter", "payment", "download", …).</summary>
    public void Note(ReleaseRequest request, string kind, string note)
    {
        ArgumentNullException.ThrowIfNull(request);
        Append(request.Id, kind, note, null, null);
    }

    /// <summary>Records a step by request id (a background job, a download by the recipient).</summary>
    public void Append(Guid requestId, string kind, string note, string? from = null, string? to = null)
    {
        var actor = actors.Current;
        db.RequestEvents.Add(new RequestEvent
        {
            RequestId = requestId,
            At = time.GetUtcNow(),
            Kind = kind,
            FromStatus = from,
            ToStatus = to,
            Note = note.Length <= 2000 ? note : note[..2000],
            UserId = actor.UserId,
            UserName = actor.UserName,
        });
    }
}
