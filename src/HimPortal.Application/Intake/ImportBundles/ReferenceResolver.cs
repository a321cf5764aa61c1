using System.Text.Json;

namespace HimPortal.Application.Intake.ImportBundles;

/// <summary>
/// Resolves a bundle's references: <c>urn:uuid:</c> full URLs to entries of the same bundle, <c>Type/id</c> to the
/// resource's key (checked to exist in the bundle or the record), and conditional references
/// (<c>Practitioner?identifier=system|value</c>, or a Reference that carries only an identifier) to the resource with
/// that identifier, in the bundle or in the master data already stored.
/// </summary>
internal sealed class ReferenceResolver(
    IReadOnlyDictionary<string, BundleEntry> fullUrls,
    IReadOnlyDictionary<(string Type, string System, string Value), string> bundleIdentifiers,
    MasterDataIndex masterData)
{
    private readonly HashSet<(string Type, string Id)> _inBundle = [.. fullUrls.Values.Select(e => (e.Type, e.Id))];

    /// <summary>
    /// Every reference text resolved so far, with the type it points to: a bundle names the same patient, encounter and
    /// practitioners hundreds of times, and each key is a SHA-256.
    /// </summary>
    private readonly Dictionary<string, (string Type, Guid Key)> _resolved = new(StringComparer.Ordinal);

    /// <summary>Keys referenced as Type/id that are not in the bundle: they must already be in the record.</summary>
    public Dictionary<string, HashSet<Guid>> MustExist { get; } = [];

    public Guid? Optional(JsonElement resource, string property, string type) =>
        resource.Obj(property) is { } reference ? Resolve(reference, type, property) : null;

    public Guid Required(JsonElement resource, string property, string type) =>
        Optional(resource, property, type) ?? throw new BundleProblemException($"it has no {property} reference, which the record requires");

    public Guid? Resolve(JsonElement reference, string type, string what)
    {
        if (reference.Str("reference") is { } text)
        {
            return ResolveText(text, type, what);
        }

        if (reference.Obj("identifier") is { } identifier && identifier.Str("value") is { } value)
        {
            return ByIdentifier(type, identifier.Str("system") ?? "", value, what);
        }

        return null;
    }

    private Guid? ResolveText(string text, string type, string what)
    {
        if (text.StartsWith('#'))
        {
            return null; // a contained resource: the record keeps it inside the original JSON only
        }

        if (_resolved.TryGetValue(text, out var known))
        {
            EnsureType(known.Type, type, what, text);
            return known.Key;
        }

        var key = ResolveNew(text, type, what);
        _resolved[text] = (type, key);
        return key;
    }

    private Guid ResolveNew(string text, string type, string what)
    {
        if (text.StartsWith("urn:", StringComparison.Ordinal))
        {
            if (!fullUrls.TryGetValue(text, out var target))
            {
                throw new BundleProblemException($"its {what} reference {text} resolves to no entry of the bundle");
            }

            EnsureType(target.Type, type, what, text);
            return target.Key;
        }

        var question = text.IndexOf('?', StringComparison.Ordinal);
        if (question > 0)
        {
            var targetType = text[..question];
            const string prefix = "identifier=";
            var query = text[(question + 1)..];
            if (!query.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new BundleProblemException($"its {what} reference {text} is a search the importer cannot resolve (only identifier=system|value)");
            }

            var token = Uri.UnescapeDataString(query[prefix.Length..]);
            var bar = token.IndexOf('|', StringComparison.Ordinal);
            var (system, value) = bar >= 0 ? (token[..bar], token[(bar + 1)..]) : ("", token);
            EnsureType(targetType, type, what, text);
            return ByIdentifier(targetType, system, value, what);
        }

        var parts = text.Split('/');
        if (parts.Length >= 2)
        {
            var (targetType, id) = (parts[^2], parts[^1]);
            EnsureType(targetType, type, what, text);
            var key = Fhir.Key(targetType, id);
            if (!_inBundle.Contains((targetType, id)))
            {
                (MustExist.TryGetValue(targetType, out var set) ? set : MustExist[targetType] = []).Add(key);
            }

            return key;
        }

        throw new BundleProblemException($"its {what} reference '{text}' is not a FHIR reference");
    }

    private Guid ByIdentifier(string type, string system, string value, string what)
    {
        if (bundleIdentifiers.TryGetValue((type, system, value), out var id))
        {
            return Fhir.Key(type, id);
        }

        return masterData.Find(type, system, value)
            ?? throw new BundleProblemException(
                $"its {what} reference {type}?identifier={system}|{value} resolves to nothing in the bundle or the record", unresolvedReference: true);
    }

    private static void EnsureType(string actual, string expected, string what, string text)
    {
        if (!string.Equals(actual, expected, StringComparison.Ordinal))
        {
            throw new BundleProblemException($"its {what} reference {text} points to a {actual}, not a {expected}");
        }
    }
}
