using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Mpi.GetMpiFigures;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Mpi;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Mpi;

/// <summary>
/// The HIM manager's MPI figures (issue 16 item 5) on a database of their own with seeded records, pairs and decisions:
/// the duplicate rate counts both records of every linked or open pair, the creation rate the new records among them,
/// the worklist its open pairs and the oldest one's age, links and unlinks per month and week, the false-link rate.
/// </summary>
public sealed class MpiFiguresTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 9, 12, 0, 0, TimeSpan.Zero); // a Wednesday
    private static readonly DateTimeOffset ThisWeek = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset October = new(2026, 10, 15, 9, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _database = new();
    private readonly TestActor _actor = new();
    private readonly TestClock _clock = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _clock.Set(Now);
        _services = _database.Services(_actor, _clock);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Duplicate_and_creation_rates_worklist_links_unlinks_and_false_link_rate_come_from_pairs_and_decisions()
    {
        // Four records registered this week, six in October.
        var recent = await PatientsAsync(4, ThisWeek);
        var old = await PatientsAsync(6, October);
        var linked = await PairAsync(recent[0], old[0], PairStatuses.Linked, October.AddDays(1));
        var open = await PairAsync(recent[1], old[1], PairStatuses.Review, Now.AddDays(-3));
        var notSame = await PairAsync(old[2], old[3], PairStatuses.NotDuplicate, October.AddDays(1));
        var unlinked = await PairAsync(recent[2], old[4], PairStatuses.Unlinked, ThisWeek);
        await DecisionAsync(linked, PairDecisions.AutoLinked, October.AddDays(1));
        await DecisionAsync(unlinked, PairDecisions.SamePerson, new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero));
        await DecisionAsync(unlinked, PairDecisions.Unlinked, Now.AddDays(-1));
        await DecisionAsync(notSame, PairDecisions.NotSamePerson, October.AddDays(2));
        await DecisionAsync(open, PairDecisions.NeedsResearch, Now.AddDays(-2));

        var figures = await FiguresAsync(Roles.HimManager);

        figures.IsSuccess.ShouldBeTrue(figures.Error?.Message);
        var f = figures.Value!;
        f.Records.ShouldBe(10);
        f.DuplicateRecords.ShouldBe(4, "both records of the linked pair and of the open one; not the not-duplicate or unlinked pairs");
        f.DuplicateRate.ShouldBe(0.4);
        f.Worklist.ShouldBe(1);
        f.OldestOpenAge.ShouldBe(TimeSpan.FromDays(3));
        f.Links.ShouldBe(2);
        f.Unlinks.ShouldBe(1);
        f.FalseLinkRate.ShouldBe(0.5);

        f.Months.Count.ShouldBe(12);
        f.Months[^1].Start.ShouldBe(new DateOnly(2026, 12, 1));
        f.Months[^1].ShouldBe(new MpiPeriod(new DateOnly(2026, 12, 1), 4, 2, 0, 1));
        f.Months[^1].CreationRate.ShouldBe(0.5);
        f.Months[^2].ShouldBe(new MpiPeriod(new DateOnly(2026, 11, 1), 0, 0, 1, 0));
        f.Months[^3].ShouldBe(new MpiPeriod(new DateOnly(2026, 10, 1), 6, 2, 1, 0));
        f.Months[^3].FalseLinkRate.ShouldBe(0);

        f.Weeks.Count.ShouldBe(12);
        f.Weeks[^1].ShouldBe(new MpiPeriod(new DateOnly(2026, 12, 7), 4, 2, 0, 1));
        f.Weeks.Single(w => w.Start == new DateOnly(2026, 10, 12)).ShouldBe(new MpiPeriod(new DateOnly(2026, 10, 12), 6, 2, 1, 0));
        f.Weeks.Sum(w => w.Links).ShouldBe(2, "the auto-link of 16 October and the reviewer's link of 2 November");
    }

    [Fact]
    public async Task Only_managers_see_the_figures()
    {
        (await FiguresAsync(Roles.HimClerk)).Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        (await FiguresAsync(Roles.HimManager)).IsSuccess.ShouldBeTrue();
    }

    private async Task<Result<MpiFigures>> FiguresAsync(string role)
    {
        _actor.ActAs(Guid.NewGuid(), "manager@test.himportal.example", role);
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GetMpiFiguresHandler>().HandleAsync(new GetMpiFiguresQuery(), CancellationToken.None);
    }

    private async Task<List<Guid>> PatientsAsync(int count, DateTimeOffset importedAt)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var id in ids)
        {
            db.Set<Patient>().Add(new Patient
            {
                Id = id, FhirId = id.ToString("N"), Resource = "{}", SourceHash = new byte[32], ImportedAt = importedAt,
                Mrn = "MRN-" + id.ToString("N")[..10], GivenNames = "Fig", FamilyName = "Ures", SearchName = "fig ures",
                BirthDate = new DateOnly(1970, 1, 1), Sex = "female",
            });
        }

        await db.SaveChangesAsync();
        return ids;
    }

    /// <summary>A pair in PostgreSQL's uuid order (record_a &lt; record_b, the table's CHECK), as the matcher writes it.</summary>
    private async Task<long> PairAsync(Guid a, Guid b, string status, DateTimeOffset foundAt) =>
        await _database.ScalarAsync<long>($"""
            INSERT INTO mpi.candidate_pairs (record_a, record_b, score, weight, status, source, reason, explanation, found_at, scored_at)
            VALUES (LEAST('{a}'::uuid, '{b}'::uuid), GREATEST('{a}'::uuid, '{b}'::uuid), 0.9, 20, '{status}', 'scan', 'seeded', '[]',
                    '{foundAt:O}', '{foundAt:O}')
            RETURNING id
            """);

    private Task DecisionAsync(long pair, string decision, DateTimeOffset at) =>
        _database.ExecuteAsync($"INSERT INTO mpi.pair_decisions (pair_id, decision, decided_at, score) VALUES ({pair}, '{decision}', '{at:O}', 0.9)");
}
