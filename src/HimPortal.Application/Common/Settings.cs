using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Common;

/// <summary>
/// Every setting is an options class bound from its section and validated when the host starts: a bad value (out of
/// range, the wrong type, an unknown key in the section) stops the web app and the console with a message naming the
/// key, e.g. "Intake:Workers: The field Workers must be between 0 and 64.", rather than failing later on first use.
/// </summary>
public static class Settings
{
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new SectionValidator<T>(section));
        return services.AddOptions<T>()
            .BindConfiguration(section, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
    }

    /// <summary>Data-annotation checks of the whole options graph (nested settings too), each failure named by its full key.</summary>
    private sealed class SectionValidator<T>(string section) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var failures = new List<string>();
            Check(options, section, failures);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        private static void Check(object value, string path, List<string> failures)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true);
            failures.AddRange(results.Select(r => $"{path}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
            foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || property.PropertyType.IsValueType || property.PropertyType == typeof(string))
                {
                    continue;
                }

                switch (property.GetValue(value))
                {
                    case System.Collections.IDictionary dictionary:
                        foreach (System.Collections.DictionaryEntry entry in dictionary)
                        {
                            if (entry.Value is { } item && !item.GetType().IsValueType && item is not string)
                            {
                                Check(item, $"{path}:{property.Name}:{entry.Key}", failures);
                            }
                        }

                        break;
                    case { } nested when nested.GetType().Namespace?.StartsWith("HimPortal", StringComparison.Ordinal) == true:
                        Check(nested, $"{path}:{property.Name}", failures);
                        break;
                }
            }
        }
    }
}
