using HimPortal.Application.Common;
using HimPortal.Application.Roi.ListRequests;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;

namespace HimPortal.Tests.Roi;

/// <summary>The ROI worklist (issue 17 item 1): by due date, keyset pages, views, counts, overdue marks, one audit row a page.</summary>
public sealed class RoiWorklistTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static Task<Result<RequestWorklistPage>> ListAsync(RoiWorld world, ListRequestsQuery query) =>
        world.RunAsync<ListRequestsHandler, Result<RequestWorklistPage>>(h => h.HandleAsync(query, CancellationToken.None));

    [Fact]
    public async Task Pages_by_due_date_filter_by_view_status_and_type_and_count_the_overdue()
    {
        var world = new RoiWorld(database);
        var patient = await CandidatePairs.PatientAsync(database, "Worklist", "Patient");
        var now = DateTimeOffset.UtcNow;
        // ReleaseRequests.AddAsync gives a due date of 31 days after receipt.
        var overdue1 = await ReleaseRequests.AddAsync(database, patient, receivedAt: now.AddDays(-40));
        var overdue2 = await ReleaseRequests.AddAsync(database, patient, RequesterTypes.Attorney, receivedAt: now.AddDays(-35));
        var soon = await ReleaseRequests.AddAsync(database, patient, receivedAt: now.AddDays(-27), status: RequestStatuses.Processing);
        for (var i = 0; i < 5; i++)
        {
            await ReleaseRequests.AddAsync(database, patient, RequesterTypes.Insurer, receivedAt: now.AddDays(-i));
        }

        await ReleaseRequests.AddAsync(database, patient, receivedAt: now.AddDays(-60), status: RequestStatuses.Withdrawn);
        await database.ExecuteAsync("UPDATE roi.requests SET closed_at = now() WHERE status = 'withdrawn'");

        var first = (await ListAsync(world, new ListRequestsQuery(PageSize: 3))).Value!;
        first.OpenCount.ShouldBe(8);
        first.OverdueCount.ShouldBe(2);
        first.DueSoonCount.ShouldBe(1);
        first.Rows.Select(r => r.Id).ShouldBe([overdue1, overdue2, soon]);
        first.Rows[0].Overdue.ShouldBeTrue();
        first.Rows[2].DueSoon.ShouldBeTrue();
        first.Rows[0].ClockCitation.ShouldNotBeNullOrEmpty();

        var seen = first.Rows.Select(r => r.Id).ToList();
        var next = first.NextAfter;
        while (next is not null)
        {
            var page = (await ListAsync(world, new ListRequestsQuery(PageSize: 3, After: next))).Value!;
            seen.AddRange(page.Rows.Select(r => r.Id));
            next = page.NextAfter;
        }

        seen.Count.ShouldBe(8);
        seen.Distinct().Count().ShouldBe(8);

        (await ListAsync(world, new ListRequestsQuery(WorklistViews.Overdue))).Value!.Rows.Select(r => r.Id).ShouldBe([overdue1, overdue2]);
        (await ListAsync(world, new ListRequestsQuery(WorklistViews.DueSoon))).Value!.Rows.Select(r => r.Id).ShouldBe([soon]);
        (await ListAsync(world, new ListRequestsQuery(WorklistViews.Closed))).Value!.Rows.Count.ShouldBe(1);
        (await ListAsync(world, new ListRequestsQuery(Status: RequestStatuses.Processing))).Value!.Rows.Select(r => r.Id).ShouldBe([soon]);
        (await ListAsync(world, new ListRequestsQuery(RequesterType: RequesterTypes.Insurer))).Value!.Rows.Count.ShouldBe(5);
        (await ListAsync(world, new ListRequestsQuery(After: "nonsense"))).Error!.Kind.ShouldBe(ErrorKind.Invalid);

        (await database.ScalarAsync<long>("SELECT count(*) FROM audit.access_events WHERE resource_type = 'ReleaseWorklist' AND action = 'search'"))
            .ShouldBeGreaterThanOrEqualTo(8);
    }
}
