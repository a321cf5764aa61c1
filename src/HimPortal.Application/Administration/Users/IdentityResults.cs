using Microsoft.AspNetCore.Identity;

namespace HimPortal.Application.Administration.Users;

internal static class IdentityResults
{
    /// <summary>An Identity step inside a transaction either succeeds or aborts the whole command.</summary>
    public static void Check(IdentityResult result)
    {
        if (result.Succeeded)
        {
            return;
        }

        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
        {
            throw new ConcurrencyConflictException();
        }

        throw new InvalidOperationException("Identity refused the change: " + string.Join(" ", result.Errors.Select(e => e.Code)));
    }
}
