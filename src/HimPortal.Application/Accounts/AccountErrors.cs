using HimPortal.Application.Common;

namespace HimPortal.Application.Accounts;

public static class AccountErrors
{
    public static Error ResetByMailOff => new(ErrorKind.Invalid, "account.reset-off",
        "Reset by e-mail is not set up here. Ask your HIM administrator to reset your password.");

    public static Error SignedIn => new(ErrorKind.Invalid, "account.signed-in",
        "You are signed in: change your password on the Change password page instead.");

    /// <summary>Per client address, so it says nothing about any account.</summary>
    public static Error TooManyRequests(TimeSpan retryAfter) => new(ErrorKind.Invalid, "account.throttled",
        $"Too many requests from this computer. Try again in {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalMinutes))} minute(s).");

    /// <summary>One answer for an unknown, used, replaced or expired link: which of them it was is in the audit, not on the page.</summary>
    public static Error LinkNotValid => new(ErrorKind.Invalid, "account.reset-link",
        "This link no longer works: it was used already, a newer one was sent, or it expired. Ask for a new one.", "Token");

    public static Error WrongCurrentPassword => new(ErrorKind.Invalid, "account.wrong-password", "The current password is not correct.", "CurrentPassword");

    public static Error PasswordChangedMeanwhile => new(ErrorKind.Conflict, "account.changed",
        "Your account was changed while you were choosing a password (by an administrator, or in another window). Try again.");
}
