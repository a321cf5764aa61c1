using FluentValidation.Results;

namespace HimPortal.Application.Common;

/// <summary>
/// What kind of failure an <see cref="Error"/> is. Pages answer each kind one way (HimPortal.Web's ResultResponses):
/// invalid input is shown on the form with nothing changed, not found is 404, forbidden is 403, a conflict (someone
/// else changed it, or it is in a state that refuses the change) is shown on the page with the current values.
/// </summary>
public enum ErrorKind
{
    Invalid,
    NotFound,
    Forbidden,
    Conflict,
}

/// <summary>One problem with one field of a request: the field's name (as the request spells it) and what is wrong.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>
/// An expected failure: a kind, a stable code (for tests and the audit), a message for the user naming what was wrong,
/// and the field it concerns. Invalid input may name several fields at once (<see cref="Fields"/>): a form shows every
/// mistake in one answer rather than one per attempt. Exceptions are for bugs and outages.
/// </summary>
/// <param name="Field">The first field concerned (all of them are in <see cref="Fields"/>).</param>
/// <param name="Fields">Every problem, when there are several; <see cref="Message"/> then holds them all in one line.</param>
public sealed record Error(ErrorKind Kind, string Code, string Message, string? Field = null, IReadOnlyList<FieldError>? Fields = null)
{
    /// <summary>No such record, or one the user may not know exists: answered the same way (404) either way.</summary>
    public static Error NotFound(string message = "There is no such record.") => new(ErrorKind.NotFound, "not-found", message);

    public static Error Forbidden(string message = "Your role may not do this.") => new(ErrorKind.Forbidden, "forbidden", message);

    public static Error Invalid(string message, string? field = null) => new(ErrorKind.Invalid, "invalid", message, field);

    public static Error Conflict(string message) => new(ErrorKind.Conflict, "conflict", message);

    /// <summary>Every failure of a FluentValidation result, each beside its field.</summary>
    public static Error Invalid(ValidationResult validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        return Invalid(validation.Errors.Select(e => new FieldError(e.PropertyName, e.ErrorMessage)).ToList());
    }

    /// <summary>Several problems at once (a form's every mistake), under <paramref name="code"/>.</summary>
    public static Error Invalid(IReadOnlyList<FieldError> problems, string code = "invalid")
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentOutOfRangeException.ThrowIfZero(problems.Count);
        var distinct = problems.Distinct().ToList();
        return new(ErrorKind.Invalid, code, string.Join(" ", distinct.Select(p => p.Message).Distinct(StringComparer.Ordinal)),
            distinct[0].Field, distinct);
    }

    /// <summary>The problems to show: every field's, or the one message (under its field, if any).</summary>
    public IReadOnlyList<FieldError> Problems => Fields is { Count: > 0 } fields ? fields : [new FieldError(Field ?? "", Message)];
}
