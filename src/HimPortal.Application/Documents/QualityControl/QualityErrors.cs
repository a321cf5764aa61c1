using HimPortal.Application.Common;

namespace HimPortal.Application.Documents.QualityControl;

public static class QualityErrors
{
    /// <summary>Quality control is a second person's check (issue 15 item 6): the indexer never reviews their own filing.</summary>
    public static readonly Error OwnWork = new(ErrorKind.Forbidden, "own-work",
        "You indexed this document: another clerk reviews it.");

    public static readonly Error NotPending = new(ErrorKind.Conflict, "review-done",
        "This document's QA review is already done.");

    public static readonly Error Changed = new(ErrorKind.Conflict, "review-changed",
        "This QA review or its document changed since you opened it (reviewed or corrected by someone else). Open it again.");
}
