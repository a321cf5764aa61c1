using System.Collections.Frozen;
using System.Reflection;

namespace HimPortal.Application.Jobs;

/// <summary>Every kind of job this build runs: each <see cref="IJobWork"/> class with its <see cref="JobKindAttribute"/>.</summary>
public static class JobKinds
{
    private static readonly FrozenDictionary<string, Type> Works = typeof(JobKinds).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IJobWork).IsAssignableFrom(t))
        .Select(t => (Type: t, Kind: t.GetCustomAttribute<JobKindAttribute>()?.Kind
                                     ?? throw new InvalidOperationException($"{t.Name} does its work without a [JobKind].")))
        .ToFrozenDictionary(w => w.Kind, w => w.Type, StringComparer.Ordinal);

    public static IEnumerable<Type> WorkTypes => Works.Values;

    public static bool IsKnown(string kind) => Works.ContainsKey(kind);

    public static Type? WorkFor(string kind) => Works.GetValueOrDefault(kind);
}
