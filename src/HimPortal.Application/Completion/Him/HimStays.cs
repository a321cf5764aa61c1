using System.Text.RegularExpressions;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Him;

/// <summary>What the HIM analyst's changes share: finding a deficiency at the version seen, its history, the stay's counts, a practitioner by NPI or name.</summary>
internal static partial class HimStays
{
    /// <summary>The deficiency, tracked, with the version the analyst saw as the original (xmin): a later change fails the save.</summary>
    public static async Task<Result<Deficiency>> OpenDeficiencyAsync(HimDbContext db, Guid id, uint version, CancellationToken ct)
    {
        var deficiency = await db.Deficiencies.SingleOrDefaultAsync(d => d.Id == id, ct);
        if (deficiency is null)
        {
            return Error.NotFound("There is no such deficiency.");
        }

        if (deficiency.Version != version)
        {
            return HimAudit.Stale;
        }

        if (deficiency.Status != DeficiencyStatuses.Open)
        {
            return Error.Conflict("The deficiency is resolved already.");
        }

        db.Entry(deficiency).Property(d => d.Version).OriginalValue = version;
        return Result<Deficiency>.Success(deficiency);
    }

    public static void AddEvent(HimDbContext db, Guid deficiencyId, DateTimeOffset at, string kind, Guid? by, Guid? practitionerId, string? note) =>
        db.DeficiencyEvents.Add(new DeficiencyEvent { DeficiencyId = deficiencyId, At = at, Kind = kind, ByUserId = by, PractitionerId = practitionerId, Note = note });

    /// <summary>
    /// The stay's open count and status after an analyst's change (the analysis recounts the same way): anything open makes
    /// it incomplete again, even a stay already marked complete (a manual deficiency found afterwards); nothing open makes an
    /// incomplete stay ready to mark.
    /// </summary>
    public static async Task RecountAsync(HimDbContext db, Guid encounterId, CancellationToken ct)
    {
        var open = await db.Deficiencies.CountAsync(d => d.EncounterId == encounterId && d.Status == DeficiencyStatuses.Open, ct);
        await db.Stays.Where(s => s.EncounterId == encounterId).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.OpenDeficiencies, open)
            .SetProperty(s => s.Status, s => open > 0 ? StayStatuses.Incomplete : s.Status == StayStatuses.Complete ? StayStatuses.Complete : StayStatuses.ReadyToComplete)
            .SetProperty(s => s.CompletedAt, s => open > 0 ? null : s.CompletedAt)
            .SetProperty(s => s.CompletedBy, s => open > 0 ? null : s.CompletedBy), ct);
    }

    /// <summary>A practitioner by key, by NPI (ten digits), or by a name that fits exactly one ("given family" or "family").</summary>
    public static async Task<Result<Practitioner>> PractitionerAsync(HimDbContext db, Guid? id, string? npiOrName, string field, CancellationToken ct)
    {
        var practitioners = db.Set<Practitioner>().AsNoTracking();
        if (id is { } key)
        {
            return await practitioners.SingleOrDefaultAsync(p => p.Id == key, ct) is { } byKey
                ? Result<Practitioner>.Success(byKey)
                : Error.Invalid("There is no such practitioner.", field);
        }

        var text = npiOrName?.Trim() ?? "";
        if (Npi().IsMatch(text))
        {
            return await practitioners.FirstOrDefaultAsync(p => p.Npi == text, ct) is { } byNpi
                ? Result<Practitioner>.Success(byNpi)
                : Error.Invalid($"No practitioner has NPI {text}.", field);
        }

        var pattern = "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var matches = await practitioners
            .Where(p => EF.Functions.ILike((p.GivenNames ?? "") + " " + (p.FamilyName ?? ""), pattern))
            .Take(2).ToListAsync(ct);
        return matches.Count switch
        {
            1 => Result<Practitioner>.Success(matches[0]),
            0 => Error.Invalid($"No practitioner's name contains \"{text}\".", field),
            _ => Error.Invalid($"Several practitioners' names contain \"{text}\": give the NPI.", field),
        };
    }

    [GeneratedRegex("^[0-9]{10}$")]
    private static partial Regex Npi();
}
