using HimPortal.Application.Audit;
using HimPortal.Application.Audit.VerifyAuditChain;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Audit;

public sealed class AccessAuditTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private async Task<long> CountAsync() => await database.ScalarAsync<long>("SELECT count(*) FROM audit.access_events");

    [Fact]
    public async Task A_recorded_event_is_stored_with_the_actor_and_a_valid_chain_link()
    {
        var actor = new TestActor();
        actor.ActAs(Guid.NewGuid(), "dr.grey@example.org", "Physician");
        await using var services = database.Services(actor);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AccessAudit>();
        var patient = Guid.NewGuid();

        var written = await db.InTransactionAsync(ct => audit.RecordAsync(
            new AuditRecord(AuditAction.View, AuditOutcome.Success, "Chart", patient.ToString(), patient, "treatment", "sections=problems,labs"), ct),
            CancellationToken.None);

        var stored = await db.AccessEvents.AsNoTracking().SingleAsync(e => e.Id == written.Id);
        stored.UserName.ShouldBe("dr.grey@example.org");
        stored.Roles.ShouldBe(["Physician"]);
        stored.PatientId.ShouldBe(patient);
        stored.Details.ShouldBe("sections=problems,labs");
        stored.CorrelationId.ShouldBe("test-correlation-id");
        stored.OccurredAt.ShouldBe(written.OccurredAt);
        stored.Hash.ShouldBe(AuditChain.ComputeHash(stored));
    }

    [Fact]
    public async Task Recording_outside_a_transaction_is_refused()
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<AccessAudit>();

        var error = await Should.ThrowAsync<InvalidOperationException>(() =>
            audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success), CancellationToken.None));
        error.Message.ShouldContain("transaction");
    }

    [Fact]
    public async Task A_rolled_back_action_leaves_no_audit_row_and_the_chain_stays_intact()
    {
        await using var services = database.Services();
        var before = await CountAsync();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
            var audit = scope.ServiceProvider.GetRequiredService<AccessAudit>();
            await Should.ThrowAsync<InvalidDataException>(() => db.InTransactionAsync<bool>(async ct =>
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "Test"), ct);
                throw new InvalidDataException("the action failed after auditing");
            }, CancellationToken.None));
        }

        (await CountAsync()).ShouldBe(before);
        await using (var scope = services.CreateAsyncScope())
        {
            await RecordAsync(scope.ServiceProvider, AuditAction.View);
            var report = (await scope.ServiceProvider.GetRequiredService<VerifyAuditChainHandler>().HandleAsync(new VerifyAuditChainQuery(), CancellationToken.None)).Value!;
            report.Intact.ShouldBeTrue(report.FirstBreak?.Problem);
        }
    }

    [Fact]
    public async Task Eight_concurrent_writers_keep_every_lane_contiguous_and_the_chain_intact()
    {
        await using var services = database.Services();
        var before = await CountAsync();
        const int writers = 8;
        const int each = 40;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                await using var scope = services.CreateAsyncScope();
                await RecordAsync(scope.ServiceProvider, AuditAction.Search);
            }
        })));

        (await CountAsync()).ShouldBe(before + (writers * each));
        var gaps = await database.ScalarAsync<long>("""
            SELECT count(*) FROM (
              SELECT lane_seq - lag(lane_seq, 1, 0::bigint) OVER (PARTITION BY lane ORDER BY lane_seq) AS step FROM audit.access_events
            ) s WHERE step <> 1
            """);
        gaps.ShouldBe(0);
        await using var verifyScope = services.CreateAsyncScope();
        var report = (await verifyScope.ServiceProvider.GetRequiredService<VerifyAuditChainHandler>().HandleAsync(new VerifyAuditChainQuery(), CancellationToken.None)).Value!;
        report.Intact.ShouldBeTrue(report.FirstBreak?.Problem);
        report.LanesSeen.ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task A_serializable_transaction_cannot_append_because_its_snapshot_could_miss_the_lane_head()
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AccessAudit>();
        await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);

        var error = await Should.ThrowAsync<Npgsql.PostgresException>(() =>
            audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success), CancellationToken.None));
        error.MessageText.ShouldContain("READ COMMITTED");
    }

    internal static async Task RecordAsync(IServiceProvider services, string action)
    {
        var db = services.GetRequiredService<HimDbContext>();
        var audit = services.GetRequiredService<AccessAudit>();
        await db.InTransactionAsync(ct => audit.RecordAsync(new AuditRecord(action, AuditOutcome.Success, "Test"), ct), CancellationToken.None);
    }
}
