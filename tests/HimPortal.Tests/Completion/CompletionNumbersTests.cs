using HimPortal.Application.Access;
using HimPortal.Application.Completion.Aging.GetCompletionNumbers;
using HimPortal.Data.Completion;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Completion;

/// <summary>The numbers (issue 18 item 4): records not deficiencies, the AHIMA/Joint Commission rate, by physician and department, month ends.</summary>
public sealed class CompletionNumbersTests(AgingWorld world) : IClassFixture<AgingWorld>
{
    [Fact]
    public async Task Counts_are_records_not_deficiencies_and_the_rate_is_delinquent_records_over_average_monthly_discharges()
    {
        var now = new DateTimeOffset(2026, 12, 20, 12, 0, 0, TimeSpan.Zero);
        var clock = new TestClock();
        clock.Set(now);
        var first = await world.PractitionerAsync();
        var second = await world.PractitionerAsync();
        await world.DepartmentAsync("Medicine", (await world.PractitionerAsync()).Id, first.Id, second.Id);

        var recent = await world.StayAsync(now.AddDays(-10), now.AddDays(20));
        foreach (var code in new[] { "discharge-summary", "hp-24h", "operative-report" })
        {
            await world.DeficiencyAsync(recent, first.Id, code);
        }

        var late = await world.StayAsync(now.AddDays(-40), now.AddDays(-10));
        await world.DeficiencyAsync(late, first.Id);
        await world.DeficiencyAsync(late, first.Id, "hp-24h");
        await world.DeficiencyAsync(late, second.Id, "operative-report");
        var done = await world.StayAsync(now.AddDays(-50), now.AddDays(-20), StayStatuses.Complete, completedAt: now.AddDays(-20));
        await world.DeficiencyAsync(done, first.Id, status: DeficiencyStatuses.Resolved);
        await world.StayAsync(now.AddDays(-35), now.AddDays(-5), StayStatuses.ReadyToComplete);

        var manager = new TestActor();
        manager.ActAs(Guid.NewGuid(), "manager", Roles.HimManager);
        await using var services = world.Database.Services(manager, clock);
        await using var scope = services.CreateAsyncScope();
        var numbers = (await scope.ServiceProvider.GetRequiredService<GetCompletionNumbersHandler>().HandleAsync(new GetCompletionNumbersQuery(), CancellationToken.None)).Value!;

        // Incomplete: recent, late and the one waiting to be marked; delinquent: late and that one; 4 discharges in 3 months.
        numbers.Now.ShouldBe(new DelinquencyFigure(3, 2, 4));
        numbers.Now.Rate!.Value.ShouldBe(1.5, 1e-9);
        numbers.Now.SurveyFinding.ShouldBeTrue();
        var byFirst = numbers.ByPhysician.Single(r => r.Id == first.Id);
        byFirst.Npi.ShouldBe(first.Npi);
        // Their discharges: the stays they owe or owed on (the completed one too).
        byFirst.Figure.ShouldBe(new DelinquencyFigure(2, 1, 3));
        numbers.ByPhysician.Single(r => r.Id == second.Id).Figure.ShouldBe(new DelinquencyFigure(1, 1, 1));
        numbers.ByDepartment.Single(r => r.Label == "Medicine").Figure.ShouldBe(new DelinquencyFigure(2, 1, 3));

        // Month ends (UTC here): at the end of November the late record was incomplete but not yet delinquent, the
        // completed one already complete, and the waiting one incomplete.
        numbers.Months.Count.ShouldBe(12);
        numbers.Months[^1].Figure.ShouldBe(numbers.Now);
        var november = numbers.Months.Single(m => m.Month == new DateOnly(2026, 11, 1));
        november.At.ShouldBe(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        november.Figure.ShouldBe(new DelinquencyFigure(2, 0, 3));
    }
}
