using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Mpi.GetMatchSettings;
using HimPortal.Application.Mpi.ScanIndexNow;
using HimPortal.Application.Mpi.UpdateMatchSettings;
using HimPortal.Application.Patients.Matching;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Mpi;

/// <summary>The HIM manager's matching settings (/Mpi/Settings' handlers): default row on first read, validation, concurrency, audit, scan now.</summary>
public sealed class MatchSettingsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private ServiceProvider Services(string role = Roles.HimManager)
    {
        var actor = new TestActor();
        actor.ActAs(Guid.NewGuid(), "manager", role);
        return database.Services(actor);
    }

    private async Task<MatchSettingsView> ReadAsync()
    {
        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<GetMatchSettingsHandler>().HandleAsync(new GetMatchSettingsQuery(), CancellationToken.None)).Value!;
    }

    private async Task<Result<bool>> SaveAsync(UpdateMatchSettingsCommand command, string role = Roles.HimManager)
    {
        await using var services = Services(role);
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UpdateMatchSettingsHandler>().HandleAsync(command, CancellationToken.None);
    }

    private static UpdateMatchSettingsCommand From(MatchSettingsView view) =>
        new(view.AutoLinkEnabled, view.AutoLinkThreshold, view.ReviewThreshold, view.SecondReviewerForClinicalData,
            [.. view.Fields.Select(f => new FieldWeightInput(f.Field, f.M, f.U))], view.Version);

    [Fact]
    public async Task The_first_read_creates_the_default_row_and_a_save_with_the_version_seen_applies_and_is_audited()
    {
        var view = await ReadAsync();
        view.AutoLinkEnabled.ShouldBeFalse();
        view.AutoLinkThreshold.ShouldBe(MatchConfiguration.Default.AutoLinkThreshold);
        view.Fields.Select(f => f.Field).ShouldContain(MatchFields.Given);
        view.Fields.ShouldAllBe(f => f.Agreement > 0 && f.Disagreement < 0);

        var command = From(view) with { AutoLinkEnabled = true, ReviewThreshold = 0.2, Fields = [new FieldWeightInput(MatchFields.Phone, 0.8, 0.001)] };
        (await SaveAsync(command)).IsSuccess.ShouldBeTrue();

        var saved = await ReadAsync();
        saved.AutoLinkEnabled.ShouldBeTrue();
        saved.ReviewThreshold.ShouldBe(0.2);
        saved.Fields.Single(f => f.Field == MatchFields.Phone).M.ShouldBe(0.8);
        saved.Fields.Single(f => f.Field == MatchFields.Given).M.ShouldBe(MatchWeights.Default.Given.M);
        (await database.ScalarAsync<long>("SELECT count(*) FROM audit.access_events WHERE resource_type = 'MatchSettings' AND action = 'admin'")).ShouldBe(1);

        // The version the first save saw is stale now.
        var stale = await SaveAsync(command with { ReviewThreshold = 0.3 });
        stale.Error!.Kind.ShouldBe(ErrorKind.Conflict);
        (await ReadAsync()).ReviewThreshold.ShouldBe(0.2);
    }

    [Theory]
    [InlineData(0.9, 0.95, 0.1, 0.98)]
    [InlineData(0.9, 0.0, 0.1, 0.98)]
    [InlineData(1.0, 0.01, 0.1, 0.98)]
    [InlineData(0.9, 0.01, 0.99, 0.98)]
    [InlineData(0.9, 0.01, 0, 0.98)]
    public async Task Invalid_weights_or_thresholds_are_refused(double m, double u, double review, double autoLink)
    {
        var view = await ReadAsync();
        var result = await SaveAsync(From(view) with { ReviewThreshold = review, AutoLinkThreshold = autoLink, Fields = [new FieldWeightInput(MatchFields.Given, m, u)] });
        result.Error!.Kind.ShouldBe(ErrorKind.Invalid);
    }

    [Fact]
    public async Task Only_a_manager_configures_and_a_scan_now_queues_one_scan_job()
    {
        (await SaveAsync(From(await ReadAsync()), Roles.HimClerk)).Error!.Kind.ShouldBe(ErrorKind.Forbidden);

        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredService<ScanIndexNowHandler>();
        var first = (await handler.HandleAsync(new ScanIndexNowCommand(), CancellationToken.None)).Value;
        var second = (await handler.HandleAsync(new ScanIndexNowCommand(), CancellationToken.None)).Value;
        second.ShouldBe(first);
        (await database.ScalarAsync<string>($"SELECT kind FROM jobs.jobs WHERE id = '{first}'")).ShouldBe(ScanIndexHandler.Kind);
    }
}
