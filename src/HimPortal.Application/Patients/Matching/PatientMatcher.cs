using HimPortal.Data;
using HimPortal.Data.Mpi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Patients.Matching;

/// <summary>A record the matcher proposes, with its score and the field-by-field explanation.</summary>
public sealed record MatchCandidate(Guid PatientId, double Score, double Weight, IReadOnlyList<FieldComparison> Fields);

/// <summary>
/// Who a person at a desk says the patient is, without a record of their own (the indexing screen): given, family,
/// birth date, sex, and what else is at hand. Normalised as records are (<see cref="MatchNormaliser"/>).
/// </summary>
public sealed record MatchProbe(string? Given, string? Family, DateOnly? BirthDate, string? Sex, string? Mrn = null, string? Phone = null, string? Ssn = null);

/// <summary>
/// Finds the records that may be the same person as a record or a probe (issue 16 items 1 and 3). Candidates come from
/// index look-ups only (blocking: family phonetic + birth year, given phonetic + birth date, swapped names, SSN, phone,
/// e-mail, other facilities' identifiers, family-name parts with the birth year), never a scan of the index; each block
/// is capped so that a shared phone number cannot flood the scorer. Records already in the same person, and pairs
/// remembered as not the same person (or unlinked), are never proposed.
/// </summary>
public sealed class PatientMatcher(HimDbContext db)
{
    /// <summary>Most records one block contributes.</summary>
    public const int BlockLimit = 200;

    /// <summary>The scored candidates at or above the review threshold, best first.</summary>
    public async Task<IReadOnlyList<MatchCandidate>> CandidatesAsync(Guid patientId, CancellationToken ct)
    {
        var settings = await MatchSettingsStore.ReadAsync(db, ct);
        var scored = await ScoreAsync(patientId, settings, ct);
        return [.. scored.Where(s => s.Result.Score >= settings.ReviewThreshold).OrderByDescending(s => s.Result.Weight)
            .Select(s => new MatchCandidate(s.Candidate.PatientId, s.Result.Score, s.Result.Weight, s.Result.Fields))];
    }

    /// <summary>The scored candidates for a probe at or above the review threshold, best first (the indexing screen's suggestions).</summary>
    public async Task<IReadOnlyList<MatchCandidate>> CandidatesForAsync(MatchProbe probe, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var settings = await MatchSettingsStore.ReadAsync(db, ct);
        var givens = MatchNormaliser.NameParts(probe.Given);
        var given = givens.Count > 0 ? givens[0] : null;
        var canonical = MatchNormaliser.Canonical(given);
        var family = MatchNormaliser.Name(probe.Family);
        var phonetics = await db.Database.SqlQuery<string?>($"""
            SELECT NULLIF(dmetaphone(coalesce({canonical}::text, '')), '') AS "Value"
            UNION ALL SELECT NULLIF(dmetaphone(coalesce({family}::text, '')), '')
            """).ToListAsync(ct);
        var (ssn, last4) = MatchNormaliser.Ssn(probe.Ssn);
        var keys = new MatchKeys
        {
            PatientId = Guid.Empty,
            Given = given,
            GivenCanonical = canonical,
            Family = family,
            FamilyNames = [.. new[] { family }.Concat(MatchNormaliser.NameParts(probe.Family)).OfType<string>().Distinct()],
            GivenPhonetic = phonetics[0],
            FamilyPhonetic = phonetics[1],
            BirthDate = probe.BirthDate,
            Sex = probe.Sex?.Trim().ToLowerInvariant(),
            Ssn = ssn,
            SsnLast4 = last4,
            Phone = MatchNormaliser.Phone(probe.Phone),
        };
        var scored = await ScoreAsync(keys, null, probe.Mrn?.Trim(), settings, ct);
        return [.. scored.Where(s => s.Result.Score >= settings.ReviewThreshold).OrderByDescending(s => s.Result.Weight)
            .Select(s => new MatchCandidate(s.Candidate.PatientId, s.Result.Score, s.Result.Weight, s.Result.Fields))];
    }

    /// <summary>Every blocked candidate of a record, scored (also those below the review threshold: open pairs are re-scored).</summary>
    internal async Task<IReadOnlyList<Scored>> ScoreAsync(Guid patientId, MatchConfiguration settings, CancellationToken ct)
    {
        var keys = await db.MatchKeys.AsNoTracking().SingleOrDefaultAsync(k => k.PatientId == patientId, ct);
        if (keys is null)
        {
            await MatchKeysRefresh.RefreshAsync(db, [patientId], ct);
            keys = await db.MatchKeys.AsNoTracking().SingleOrDefaultAsync(k => k.PatientId == patientId, ct);
        }

        return keys is null ? [] : await ScoreAsync(keys, patientId, null, settings, ct);
    }

    private async Task<IReadOnlyList<Scored>> ScoreAsync(MatchKeys keys, Guid? self, string? mrn, MatchConfiguration settings, CancellationToken ct)
    {
        var candidates = await BlockAsync(keys, self, mrn, ct);
        if (candidates.Count == 0)
        {
            return [];
        }

        var counts = await NameCountsAsync(db, [keys, .. candidates], ct);
        return [.. candidates.Select(c => new Scored(keys, c, MatchScorer.Score(keys, c, settings.Weights, counts)))];
    }

    private Task<List<MatchKeys>> BlockAsync(MatchKeys k, Guid? self, string? mrn, CancellationToken ct)
    {
        DateOnly? yearStart = k.BirthDate is { } b ? new DateOnly(b.Year, 1, 1) : null;
        DateOnly? yearEnd = yearStart?.AddYears(1);
        var selfId = self ?? Guid.Empty;
        var identifiers = k.Identifiers;
        var familyNames = k.FamilyNames.Length > 1 ? k.FamilyNames : [];
        // Each block is one index probe (see MatchKeysConfiguration); the exclusions run only on what the blocks found.
        return db.MatchKeys.FromSql($"""
            SELECT k.* FROM mpi.match_keys k
            WHERE k.patient_id IN (
                (SELECT patient_id FROM mpi.match_keys WHERE family_phonetic = {k.FamilyPhonetic}::text AND birth_date >= {yearStart}::date AND birth_date < {yearEnd}::date LIMIT {BlockLimit})
                UNION (SELECT patient_id FROM mpi.match_keys WHERE given_phonetic = {k.GivenPhonetic}::text AND birth_date = {k.BirthDate}::date LIMIT {BlockLimit})
                UNION (SELECT patient_id FROM mpi.match_keys WHERE family_phonetic = {k.GivenPhonetic}::text AND birth_date = {k.BirthDate}::date LIMIT {BlockLimit})
                UNION (SELECT patient_id FROM mpi.match_keys WHERE ssn = {k.Ssn}::text LIMIT {BlockLimit})
                UNION (SELECT patient_id FROM mpi.match_keys WHERE phone = {k.Phone}::text LIMIT {BlockLimit})
                UNION (SELECT patient_id FROM mpi.match_keys WHERE email = {k.Email}::text LIMIT {BlockLimit})
                UNION (SELECT patient_id FROM mpi.match_keys WHERE identifiers && {identifiers}::text[] LIMIT {BlockLimit})
                UNION (SELECT patient_id FROM mpi.match_keys WHERE family_names && {familyNames}::text[] AND birth_date >= {yearStart}::date AND birth_date < {yearEnd}::date LIMIT {BlockLimit})
                UNION (SELECT id FROM clinical.patients WHERE mrn = {mrn}::text))
              AND k.patient_id <> {selfId}
              AND NOT EXISTS (SELECT FROM mpi.person_links mine JOIN mpi.person_links other ON other.person_id = mine.person_id AND other.unlinked_at IS NULL
                              WHERE mine.patient_id = {selfId} AND mine.unlinked_at IS NULL AND other.patient_id = k.patient_id)
              AND NOT EXISTS (SELECT FROM mpi.candidate_pairs cp
                              WHERE cp.record_a = LEAST(k.patient_id, {selfId}) AND cp.record_b = GREATEST(k.patient_id, {selfId})
                                AND cp.status IN ('not-duplicate', 'unlinked'))
            """).AsNoTracking().ToListAsync(ct);
    }

    /// <summary>The frequencies of the names of <paramref name="keys"/> (one query), and the index's size (the planner's estimate: no count).</summary>
    internal static async Task<NameCounts> NameCountsAsync(HimDbContext db, IReadOnlyCollection<MatchKeys> keys, CancellationToken ct)
    {
        var families = keys.Select(k => k.Family).OfType<string>().Distinct().ToArray();
        var givens = keys.Select(k => k.GivenCanonical).OfType<string>().Distinct().ToArray();
        var rows = await db.NameFrequencies.AsNoTracking()
            .Where(f => (f.Kind == NameFrequency.FamilyKind && families.Contains(f.Value)) || (f.Kind == NameFrequency.GivenKind && givens.Contains(f.Value)))
            .ToListAsync(ct);
        var records = await db.Database.SqlQuery<long>(
            $"SELECT GREATEST(reltuples, 0)::bigint AS \"Value\" FROM pg_class WHERE oid = 'mpi.match_keys'::regclass").SingleAsync(ct);
        return new NameCounts(rows.ToDictionary(r => (r.Kind, r.Value), r => r.Records), records);
    }

    internal sealed record Scored(MatchKeys Record, MatchKeys Candidate, MatchResult Result);
}
