using System.Globalization;

namespace HimPortal.Application.Common;

/// <summary>
/// A keyset page link over (time, id), newest first: microseconds since the epoch and the id. Lists never use OFFSET, so
/// a page costs the same however deep it is.
/// </summary>
public readonly record struct KeysetCursor(DateTimeOffset At, Guid Id)
{
    public override string ToString()
    {
        var micros = (At.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return micros.ToString(CultureInfo.InvariantCulture) + "." + Id.ToString("N");
    }

    /// <summary>Reads an optional page link; a damaged one is an error telling the reviewer how to start over.</summary>
    public static Error? Read(string? value, string startOver, out KeysetCursor? cursor)
    {
        cursor = null;
        if (value is null)
        {
            return null;
        }

        if (!TryParse(value, out var parsed))
        {
            return Error.Invalid($"The page link is not valid: {startOver}.");
        }

        cursor = parsed;
        return null;
    }

    public static bool TryParse(string? value, out KeysetCursor cursor)
    {
        cursor = default;
        var dot = value?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (value is null || dot < 1 || value.Length > 80
            || !long.TryParse(value.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
            || !Guid.TryParseExact(value.AsSpan(dot + 1), "N", out var id))
        {
            return false;
        }

        cursor = new KeysetCursor(DateTimeOffset.UnixEpoch.AddTicks(micros * 10), id);
        return true;
    }
}
