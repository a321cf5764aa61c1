using HimPortal.Application.Common;

namespace HimPortal.Application.Administration.Users;

public static class UserErrors
{
    public static Error NotFound => Error.NotFound("No such user account.");

    public static Error DuplicateEmail(string email) =>
        new(ErrorKind.Invalid, "user.duplicate-email", $"An account with the e-mail {email} already exists.", "Email");

    public static Error DuplicateNpi(string npi) =>
        new(ErrorKind.Invalid, "user.duplicate-npi", $"Another account is already linked to NPI {npi}.", "PractitionerNpi");

    public static Error Conflict =>
        new(ErrorKind.Conflict, "user.conflict", "This account was changed by someone else after you opened it. Reload it and try again.");

    public static Error CannotLockSelf => new(ErrorKind.Invalid, "user.lock-self", "You cannot lock your own account.");

    public static Error CannotResetOwnPassword => new(ErrorKind.Invalid, "user.reset-self",
        "You cannot reset your own password here: change it under Change password (it asks for the current one).");

    public static Error CannotChangeOwnRoles =>
        new(ErrorKind.Invalid, "user.own-roles", "You cannot change your own roles: another administrator does it.", "Roles");

    public static Error WeakPassword(string message) => new(ErrorKind.Invalid, "user.weak-password", message, "Password");
}

/// <summary>Thrown inside a transaction when another writer got there first; the handler turns it into <see cref="UserErrors.Conflict"/>.</summary>
public sealed class ConcurrencyConflictException : Exception
{
    public ConcurrencyConflictException()
        : base("The record was changed concurrently.")
    {
    }

    public ConcurrencyConflictException(string message)
        : base(message)
    {
    }

    public ConcurrencyConflictException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
