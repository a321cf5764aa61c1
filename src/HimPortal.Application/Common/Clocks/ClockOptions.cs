using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Common.Clocks;

/// <summary>
/// Configuration section "Clocks": rules that tighten the federal ones or add state and local ones
/// (Clocks:Rules:&lt;code&gt;:Length, …), and the holiday calendar business days skip (Clocks:Holidays:…).
/// Validated when the host starts (<see cref="ClockOptionsValidator"/>): a bad value stops the application with the key named.
/// </summary>
public sealed class ClockOptions
{
    public const string Section = "Clocks";

    public Dictionary<string, ClockRuleOptions> Rules { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public HolidayOptions Holidays { get; init; } = new();
}

/// <summary>One rule as configured. Unset values keep the federal rule's; a rule the catalogue lacks must set title, citation, length and unit.</summary>
public sealed class ClockRuleOptions
{
    [StringLength(200, MinimumLength = 1)]
    public string? Title { get; set; }

    [StringLength(200, MinimumLength = 1)]
    public string? Citation { get; set; }

    [Range(1, 3650)]
    public int? Length { get; set; }

    [EnumDataType(typeof(ClockUnit))]
    public ClockUnit? Unit { get; set; }

    [Range(0, 3650)]
    public int? ExtensionLength { get; set; }

    [Range(0, 10)]
    public int? MaxExtensions { get; set; }

    public bool? StartDayCounts { get; set; }

    [StringLength(500)]
    public string? ExtensionCondition { get; set; }
}

public sealed class HolidayOptions
{
    /// <summary>Whether the US federal holidays (5 U.S.C. 6103) are closures; true unless the hospital says otherwise.</summary>
    public bool Federal { get; set; } = true;

    /// <summary>Federal holidays the hospital stays open on (for example ColumbusDay, VeteransDay).</summary>
    public List<FederalHoliday> Omit { get; init; } = [];

    /// <summary>Further days the hospital's HIM office is closed (the day after Thanksgiving, a state holiday), as yyyy-MM-dd.</summary>
    public List<DateOnly> Closures { get; init; } = [];
}

/// <summary>
/// Checks what data annotations cannot reach (the values inside Clocks:Rules) and what only makes sense together: a new
/// rule names its title, citation, length and unit; a tightened federal rule stays within the federal limit (a state law
/// may be stricter than HIPAA, never looser: 45 CFR 160.203(b)); hours and days are not mixed. Each failure names its key.
/// </summary>
public sealed class ClockOptionsValidator(IConfiguration configuration) : IValidateOptions<ClockOptions>
{
    public ValidateOptionsResult Validate(string? name, ClockOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        // The configuration binder skips a value it cannot convert inside a dictionary or a list (a closure "2026-13-01",
        // a unit "Fortnights") without a word, which would leave the federal value in force unnoticed: read the raw section.
        CheckRawValues(configuration.GetSection(ClockOptions.Section), failures);
        foreach (var (code, rule) in options.Rules)
        {
            var key = $"{ClockOptions.Section}:Rules:{code}";
            if (rule is null)
            {
                failures.Add($"{key}: the rule has no values.");
                continue;
            }

            var results = new List<ValidationResult>();
            Validator.TryValidateObject(rule, new ValidationContext(rule), results, validateAllProperties: true);
            failures.AddRange(results.Select(r => $"{key}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));

            if (RegulatoryRules.FederalByCode.GetValueOrDefault(code) is { } federal)
            {
                ValidateTightening(key, federal, rule, failures);
            }
            else
            {
                if (string.IsNullOrWhiteSpace(rule.Title))
                    failures.Add($"{key}:Title: a rule the hospital adds needs a title.");
                if (string.IsNullOrWhiteSpace(rule.Citation))
                    failures.Add($"{key}:Citation: a rule the hospital adds needs the citation of the law or policy behind it.");
                if (rule.Length is null)
                    failures.Add($"{key}:Length: a rule the hospital adds needs a length.");
                if (rule.Unit is null)
                    failures.Add($"{key}:Unit: a rule the hospital adds needs a unit (CalendarDays, BusinessDays or Hours).");
            }

            var basis = RegulatoryRules.FederalByCode.GetValueOrDefault(code);
            if ((rule.MaxExtensions ?? basis?.MaxExtensions ?? 0) > 0 && (rule.ExtensionLength ?? basis?.ExtensionLength ?? 0) == 0)
            {
                failures.Add($"{key}:ExtensionLength: the rule allows extensions, so say how long one is.");
            }
        }

        foreach (var (omitted, index) in options.Holidays.Omit.Select((h, i) => (h, i)))
        {
            if (!Enum.IsDefined(omitted))
                failures.Add($"{ClockOptions.Section}:Holidays:Omit:{index}: '{omitted}' is not a federal holiday.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckRawValues(IConfigurationSection clocks, List<string> failures)
    {
        foreach (var rule in clocks.GetSection(nameof(ClockOptions.Rules)).GetChildren())
        {
            foreach (var setting in rule.GetChildren())
            {
                var property = typeof(ClockRuleOptions).GetProperty(setting.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                if (property is null)
                {
                    failures.Add($"{setting.Path}: no such setting; a rule has {string.Join(", ", typeof(ClockRuleOptions).GetProperties().Select(p => p.Name))}.");
                }
                else if (setting.Value is { } value && !Converts(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType, value))
                {
                    failures.Add($"{setting.Path}: '{value}' is not a valid {Describe(property.PropertyType)}.");
                }
            }
        }

        foreach (var setting in clocks.GetSection(nameof(ClockOptions.Holidays)).GetChildren())
        {
            var (type, isList) = setting.Key.ToUpperInvariant() switch
            {
                "FEDERAL" => (typeof(bool), false),
                "OMIT" => (typeof(FederalHoliday), true),
                "CLOSURES" => (typeof(DateOnly), true),
                _ => (null, false),
            };
            if (type is null)
            {
                failures.Add($"{setting.Path}: no such setting; the holidays have Federal, Omit and Closures.");
                continue;
            }

            foreach (var item in isList ? setting.GetChildren() : [setting])
            {
                if (item.Value is { } value && !Converts(type, value))
                {
                    failures.Add($"{item.Path}: '{value}' is not a valid {Describe(type)}.");
                }
            }
        }
    }

    private static bool Converts(Type type, string value)
    {
        if (type.IsEnum)
        {
            return Enum.TryParse(type, value, ignoreCase: true, out var parsed) && Enum.IsDefined(type, parsed!) && !char.IsAsciiDigit(value.TrimStart('-')[0]);
        }

        if (type == typeof(DateOnly))
        {
            return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
        }

        if (type == typeof(int))
        {
            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        }

        return type != typeof(bool) || bool.TryParse(value, out _);
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsEnum ? $"{type.Name} ({string.Join(", ", Enum.GetNames(type))})"
            : type == typeof(DateOnly) ? "date (yyyy-MM-dd)"
            : type == typeof(int) ? "whole number"
            : type == typeof(bool) ? "true or false"
            : "text";
    }

    private static void ValidateTightening(string key, RegulatoryRule federal, ClockRuleOptions rule, List<string> failures)
    {
        var unit = rule.Unit ?? federal.Unit;
        if ((unit == ClockUnit.Hours) != federal.IsHourBased)
        {
            failures.Add($"{key}:Unit: {federal.Citation} counts {(federal.IsHourBased ? "hours" : "days")}; a stricter rule must too.");
            return;
        }

        // Business days against calendar days cannot be compared ahead of time (holidays move); the clock keeps the earlier
        // of the two deadlines in that case. In the same unit a longer limit is a mistake: say so now, not at the deadline.
        if (unit == federal.Unit)
        {
            if (rule.Length > federal.Length)
                failures.Add($"{key}:Length: {rule.Length} is longer than the {federal.Length} of {federal.Citation}; a configured rule may only be stricter.");
            if (rule.ExtensionLength > federal.ExtensionLength)
                failures.Add($"{key}:ExtensionLength: {rule.ExtensionLength} is longer than the {federal.ExtensionLength} of {federal.Citation}.");
        }

        if (rule.MaxExtensions > federal.MaxExtensions)
            failures.Add($"{key}:MaxExtensions: {federal.Citation} allows {federal.MaxExtensions} extension(s), not {rule.MaxExtensions}.");
    }
}
