using HimPortal.Application.Common;

namespace HimPortal.Application.Clinical.Corrections;

/// <summary>One item of a patient's record: its FHIR type (Encounter, Observation, DocumentReference, …) and its key.</summary>
public sealed record RecordItem(string ResourceType, Guid Id)
{
    public override string ToString() => $"{ResourceType} {Id:D}";
}

/// <summary>Who corrects (the audit's actor): the account, null for the console's operator, and the name the record keeps.</summary>
public sealed record Corrector(Guid? UserId, string Name);

/// <summary>
/// Items of <paramref name="FromPatientId"/>'s record that belong to <paramref name="ToPatientId"/>: an encounter with
/// what refers to it, a misfiled note, the visits of an overlay.
/// </summary>
/// <param name="Source">Where the correction came from, in words ("misfile incident 2026-114", "MPI overlay review").</param>
/// <param name="ExpectedFromVersion">The version of the first patient's record the corrector looked at
/// (<c>clinical.record_versions</c>, 0 before any change): when it has moved on, the items may have changed and the
/// correction is refused. Null skips the check (a caller that read the items in the same transaction).</param>
public sealed record CorrectionRequest(
    Guid FromPatientId,
    Guid ToPatientId,
    IReadOnlyCollection<RecordItem> Items,
    string Reason,
    string Source,
    Corrector By,
    DateTimeOffset At,
    long? ExpectedFromVersion);

/// <summary>Undoes a correction: its originals back in force, its copies entered-in-error.</summary>
public sealed record UndoCorrectionRequest(Guid CorrectionId, string Reason, Corrector By, DateTimeOffset At);

/// <summary>An item a correction moved: the original (entered-in-error under the first patient) and its copy (under the second).</summary>
public sealed record CorrectedItem(string ResourceType, Guid OriginalId, Guid CopyId, string CopyFhirId);

/// <summary>What a correction (or its undo) wrote.</summary>
public sealed record CorrectionWritten(Guid CorrectionId, Guid FromPatientId, Guid ToPatientId, IReadOnlyList<CorrectedItem> Items)
{
    /// <summary>"Encounter:1, Observation:12, …": the items by type, for the audit.</summary>
    public string Counts => string.Join(", ", Items.GroupBy(i => i.ResourceType, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key}:{g.Count()}"));
}

/// <summary>Why the writer refused a correction or an undo. Nothing is written when it refuses.</summary>
public static class CorrectionErrors
{
    public static readonly Error SamePatient = new(ErrorKind.Invalid, "same-patient",
        "The items are already in this patient's record: choose the patient they belong to.", "ToPatientId");

    public static readonly Error NoItems = new(ErrorKind.Invalid, "no-items", "Choose the items to move.", "Items");

    public static readonly Error NoSuchPatient = Error.NotFound("There is no such patient.");

    public static readonly Error NoSuchCorrection = Error.NotFound("There is no such correction.");

    public static readonly Error RecordChanged = new(ErrorKind.Conflict, "record-changed",
        "The patient's record changed since you looked at it. Review the items again before you move them.");

    public static readonly Error Conflict = new(ErrorKind.Conflict, "corrected-meanwhile",
        "Someone else corrected these items at the same time. Review the record again.");

    public static Error NotMovable(string resourceType) => new(ErrorKind.Invalid, "not-movable",
        $"{resourceType} is not an item of a patient's record that can be moved (encounters, conditions, results, notes, orders, …).", "Items");

    public static Error NotThePatients(RecordItem item) => new(ErrorKind.Invalid, "not-the-patients",
        $"{item} is not an item of this patient's record.", "Items");

    public static Error AlreadyEnteredInError(RecordItem item) => new(ErrorKind.Conflict, "entered-in-error",
        $"{item} is entered-in-error already (moved by an earlier correction).", "Items");

    /// <summary>A moved item refers to one of the record's items that stays, or an item that stays refers to a moved one.</summary>
    public static Error LeftBehind(RecordItem referrer, RecordItem referenced, bool referrerMoves) => new(ErrorKind.Invalid, "left-behind",
        referrerMoves
            ? $"{referrer} refers to {referenced}, which is not moved: move them together, or neither."
            : $"{referrer}, which is not moved, refers to {referenced}: move them together, or neither.", "Items");

    public static Error Unrewritable(RecordItem item) => new(ErrorKind.Invalid, "unrewritable",
        $"{item} names its patient in a form the correction cannot rewrite; it was not moved.", "Items");

    public static Error AlreadyUndone(DateTimeOffset at) => new(ErrorKind.Conflict, "already-undone",
        $"This correction was undone already (at {at:u}).");

    public static Error CopyCorrectedSince(RecordItem copy) => new(ErrorKind.Conflict, "corrected-since",
        $"{copy}, a copy this correction made, was corrected again since: undo that correction first.");
}
