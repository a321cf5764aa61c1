using FluentValidation;
using HimPortal.Application.Access;

namespace HimPortal.Application.Administration.Users;

internal static class UserRules
{
    public static IRuleBuilderOptions<T, IReadOnlyList<string>> ValidRoles<T>(this IRuleBuilder<T, IReadOnlyList<string>> rule) =>
        rule.NotEmpty().WithMessage("Give at least one role.")
            .Must(roles => roles.All(Roles.IsKnown))
            .WithMessage((_, roles) =>
                $"Unknown role '{roles.First(r => !Roles.IsKnown(r))}'. Roles are: {string.Join(", ", Roles.All)}.");

    /// <summary>
    /// Ten digits. The NPI check digit (Luhn over the 80840 prefix) is not enforced: synthetic and test registries
    /// issue numbers that fail it, and the link is to a Practitioner already in the record.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> ValidNpi<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Matches("^[0-9]{10}$").WithMessage("An NPI is exactly ten digits.");
}
