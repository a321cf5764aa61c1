using HimPortal.Application.Patients;
using HimPortal.Application.Patients.Matching;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Mpi;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Mpi;

/// <summary>
/// Candidate pairs for the worklist's tests, inserted directly until the matcher (mpi-engine) raises them: two records, a
/// score, a status, and an explanation from <see cref="FieldComparison.ToJson"/>.
/// </summary>
public static class CandidatePairs
{
    public static readonly IReadOnlyList<FieldComparison> Explanation =
    [
        new("given", FieldOutcomes.Partial, 3.1, "nickname"),
        new("family", FieldOutcomes.Agree, 6.2, "common name: 1 record in 120"),
        new("birth-date", FieldOutcomes.Agree, 7.5),
        new("sex", FieldOutcomes.Agree, 0.9),
        new("ssn", FieldOutcomes.Missing, 0),
        new("phone", FieldOutcomes.Disagree, -2.4),
    ];

    /// <summary>A minimal patient record with no clinical data (demographics only).</summary>
    public static async Task<Guid> PatientAsync(TestDatabase database, string given, string family, string? mrn = null, string sex = "female")
    {
        var id = Guid.CreateVersion7();
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        db.Set<Patient>().Add(new Patient
        {
            Id = id, FhirId = id.ToString("N"), Resource = "{}", SourceHash = new byte[32], ImportedAt = DateTimeOffset.UtcNow,
            Mrn = mrn ?? "MRN-" + id.ToString("N")[..10], GivenNames = given, FamilyName = family,
            SearchName = PatientNames.Fold($"{given} {family}"), BirthDate = new DateOnly(1971, 4, 12), Sex = sex,
        });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>Inserts the pair of two records (in the table's uuid order) and returns its id.</summary>
    public static async Task<long> AddAsync(TestDatabase database, Guid one, Guid other, double score = 0.8, string status = PairStatuses.Review,
        string source = PairSources.Scan, DateTimeOffset? foundAt = null, string reason = "score between the thresholds")
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        // PostgreSQL's uuid order is the bytes' order, which Guid.CompareTo does not follow: ask the database.
        var aFirst = await database.ScalarAsync<bool>($"SELECT '{one}'::uuid < '{other}'::uuid");
        var found = foundAt ?? DateTimeOffset.UtcNow;
        var pair = new CandidatePair
        {
            RecordA = aFirst ? one : other, RecordB = aFirst ? other : one, Score = score, Weight = 15.3, Status = status, Source = source,
            Reason = reason, Explanation = FieldComparison.ToJson(Explanation), FoundAt = found, ScoredAt = found,
        };
        db.CandidatePairs.Add(pair);
        await db.SaveChangesAsync();
        return pair.Id;
    }

    public static Task<uint> VersionAsync(TestDatabase database, long pairId) =>
        database.ScalarAsync<uint>($"SELECT xmin FROM mpi.candidate_pairs WHERE id = {pairId}");
}
