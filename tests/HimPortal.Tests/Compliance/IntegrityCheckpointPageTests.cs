using System.Net;
using HimPortal.Application.Access;
using HimPortal.Application.Audit.Checkpoints;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Compliance;

/// <summary>
/// The tamper-evidence page shows the last signed checkpoints and whether each still verifies (docs/adr/0020): a
/// checkpoint taken by the job holds; once a lane's newest rows are removed behind the database's back, it does not.
/// </summary>
public sealed class IntegrityCheckpointPageTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly CheckpointSink _sink = new();
    private HimPortalFactory _factory = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _factory = new HimPortalFactory(_database);
        _sink.Apply(_factory);
        _ = _factory.Server;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
        _sink.Dispose();
    }

    [Fact]
    public async Task The_page_lists_the_checkpoints_and_names_one_the_chain_no_longer_meets()
    {
        var officer = await Personas.CreateAsync(_factory.Services, Roles.ComplianceOfficer);
        using var client = _factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, officer.Email, officer.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await using (var services = _database.Services())
        {
            for (var i = 0; i < 40; i++)
            {
                await using var scope = services.CreateAsyncScope();
                await HimPortal.Tests.Audit.AccessAuditTests.RecordAsync(scope.ServiceProvider, "view");
            }
        }

        // Read before the checkpoint: the checkpoint records this head or a later one.
        var lane = await _database.ScalarAsync<short>("SELECT lane FROM audit.lane_heads WHERE lane_seq >= 2 ORDER BY lane_seq DESC, lane LIMIT 1");
        var head = await _database.ScalarAsync<long>($"SELECT lane_seq FROM audit.lane_heads WHERE lane = {lane}");
        await using (var services = _database.Services(settings: _sink.Settings))
        await using (var scope = services.CreateAsyncScope())
        {
            var written = await scope.ServiceProvider.GetRequiredService<WriteAuditCheckpointHandler>()
                .HandleAsync(new WriteAuditCheckpointCommand(), CancellationToken.None);
            written.IsSuccess.ShouldBeTrue(written.Error?.Message);
        }

        var page = await client.GetStringAsync(new Uri("/Compliance/Integrity", UriKind.Relative));
        page.ShouldContain("data-testid=\"checkpoints\"");
        page.ShouldContain("data-verifies=\"yes\"");
        page.ShouldNotContain("data-testid=\"checkpoints-off\"");

        await _database.TruncateLaneAsync(lane, head - 1);

        page = await client.GetStringAsync(new Uri("/Compliance/Integrity", UriKind.Relative));
        page.ShouldContain("data-verifies=\"no\"");
        page.ShouldContain($"lane {lane} ends at sequence {head - 1}");
    }
}
