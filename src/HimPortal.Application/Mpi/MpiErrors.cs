using HimPortal.Application.Common;

namespace HimPortal.Application.Mpi;

/// <summary>The duplicate worklist's expected failures, one line each (bitwarden's Errors.cs per feature).</summary>
public static class MpiErrors
{
    public static readonly Error NoSuchPair = Error.NotFound("There is no such candidate pair.");

    public static readonly Error StalePair = new(ErrorKind.Conflict, "pair-changed",
        "Someone decided or re-scored this pair since you opened it: nothing was changed. Open it again to see where it stands.");

    public static readonly Error Decided = new(ErrorKind.Conflict, "pair-decided",
        "This pair is no longer on the worklist (it was linked, kept apart or unlinked): nothing was changed.");

    /// <summary>Two reviewers for a link of two records that both hold clinical data: the first may not confirm their own.</summary>
    public static readonly Error SameReviewer = new(ErrorKind.Conflict, "same-reviewer",
        "You gave the first review of this pair: a second reviewer must confirm the link.");

    public static readonly Error NotLinked = new(ErrorKind.Conflict, "not-linked",
        "This record is no longer linked to that person (someone unlinked it since you opened the page): nothing was changed.");
}
