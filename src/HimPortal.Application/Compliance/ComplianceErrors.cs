using HimPortal.Application.Common;

namespace HimPortal.Application.Compliance;

public static class ComplianceErrors
{
    public static readonly Error NotPermitted = new("not-permitted", "Your role may not review the access log.");

    public static readonly Error NotFound = new("not-found", "There is no such record.");

    public static readonly Error OwnAccess = new("own-access",
        "This is about your own access: another reviewer must disposition it (a reviewer never reviews themselves).");

    public static Error Invalid(FluentValidation.Results.ValidationResult validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        var first = validation.Errors[0];
        return new Error("invalid", first.ErrorMessage, first.PropertyName);
    }
}
