using FluentValidation;
using HimPortal.Data.Identity;

namespace HimPortal.Application.Administration.Users;

/// <summary>
/// What privacy monitoring compares with the patients a user opens: department (co-workers), family name and home
/// address (relatives and neighbours), and the MRN of the user's own record in this hospital. Blank means unknown.
/// </summary>
public sealed record UserProfile(
    string? Department = null,
    string? FamilyName = null,
    string? AddressLine = null,
    string? City = null,
    string? State = null,
    string? PostalCode = null,
    string? PatientMrn = null)
{
    public static UserProfile Of(HimUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new UserProfile(user.Department, user.FamilyName, user.AddressLine, user.City, user.State, user.PostalCode, user.PatientMrn);
    }

    /// <summary>Copies the profile onto the account, trimmed, blanks as null; returns the names of the fields that changed.</summary>
    public IReadOnlyList<string> ApplyTo(HimUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var changed = new List<string>();
        Set(user.Department, Clean(Department), v => user.Department = v, "department");
        Set(user.FamilyName, Clean(FamilyName), v => user.FamilyName = v, "family name");
        Set(user.AddressLine, Clean(AddressLine), v => user.AddressLine = v, "address");
        Set(user.City, Clean(City), v => user.City = v, "city");
        Set(user.State, Clean(State), v => user.State = v, "state");
        Set(user.PostalCode, Clean(PostalCode), v => user.PostalCode = v, "postal code");
        Set(user.PatientMrn, Clean(PatientMrn), v => user.PatientMrn = v, "patient MRN");
        return changed;

        void Set(string? current, string? value, Action<string?> assign, string name)
        {
            if (!string.Equals(current, value, StringComparison.Ordinal))
            {
                assign(value);
                changed.Add(name);
            }
        }
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

public sealed class UserProfileValidator : AbstractValidator<UserProfile>
{
    public UserProfileValidator()
    {
        RuleFor(p => p.Department).MaximumLength(200).WithMessage("The department is at most 200 characters.");
        RuleFor(p => p.FamilyName).MaximumLength(200).WithMessage("The family name is at most 200 characters.");
        RuleFor(p => p.AddressLine).MaximumLength(300).WithMessage("The address is at most 300 characters.");
        RuleFor(p => p.City).MaximumLength(100).WithMessage("The city is at most 100 characters.");
        RuleFor(p => p.State).MaximumLength(50).WithMessage("The state is at most 50 characters.");
        RuleFor(p => p.PostalCode).MaximumLength(20).Matches("^[0-9A-Za-z -]*$").When(p => p.PostalCode is not null)
            .WithMessage("A postal code has letters, digits, spaces and hyphens only (at most 20).");
        RuleFor(p => p.PatientMrn).MaximumLength(64).WithMessage("The MRN is at most 64 characters.");
    }
}
