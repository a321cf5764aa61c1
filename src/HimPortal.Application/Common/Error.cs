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

/// <summary>
/// An expected failure: a kind, a stable code (for tests and the audit), a message for the user naming what was wrong,
/// and the field it concerns. Exceptions are for bugs and outages.
/// </summary>
public sealed record Error(ErrorKind Kind, string Code, string Message, string? Field = null)
{
    /// <summary>No such record, or one the user may not know exists: answered the same way (404) either way.</summary>
    public static Error NotFound(string message = "There is no such record.") => new(ErrorKind.NotFound, "not-found", message);

    public static Error Forbidden(string message = "Your role may not do this.") => new(ErrorKind.Forbidden, "forbidden", message);

    public static Error Invalid(string message, string? field = null) => new(ErrorKind.Invalid, "invalid", message, field);

    public static Error Conflict(string message) => new(ErrorKind.Conflict, "conflict", message);

    /// <summary>The first failure of a FluentValidation result, as the message the form shows beside its field.</summary>
    public static Error Invalid(ValidationResult validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        var first = validation.Errors[0];
        return new(ErrorKind.Invalid, "invalid", first.ErrorMessage, first.PropertyName);
    }
}
