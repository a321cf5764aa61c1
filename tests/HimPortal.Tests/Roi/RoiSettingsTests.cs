using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.GetRoiFigures;
using HimPortal.Application.Roi.GetRoiSettings;
using HimPortal.Application.Roi.SaveStateRule;
using HimPortal.Application.Roi.UpdateRoiPolicy;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;

namespace HimPortal.Tests.Roi;

/// <summary>The HIM manager's ROI settings (policy and state rules: validation, concurrency, audit) and the ROI figures.</summary>
public sealed class RoiSettingsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private readonly RoiWorld _manager = new(database, Roles.HimManager);

    private async Task<RoiSettingsView> ReadAsync() =>
        (await _manager.RunAsync<GetRoiSettingsHandler, Result<RoiSettingsView>>(h => h.HandleAsync(new GetRoiSettingsQuery(), CancellationToken.None))).Value!;

    private static UpdateRoiPolicyCommand From(RoiSettings p) =>
        new(p.HospitalState, p.PolicyDays, p.PatientFeeMethod, p.PatientFlatFeeCents, p.PatientLaborPageCents, p.PaperPageCents, p.MediaCents, p.PostageCents,
            p.PatientAverageElectronicCents, p.FeeWaivedRequesterTypes, p.ReleaseWaitsForPayment, p.DownloadLinkDays, p.DownloadLinkMaxDownloads,
            p.ExtraRestrictedLabels, p.Version);

    private Task<Result<uint>> UpdateAsync(UpdateRoiPolicyCommand command, RoiWorld? who = null) =>
        (who ?? _manager).RunAsync<UpdateRoiPolicyHandler, Result<uint>>(h => h.HandleAsync(command, CancellationToken.None));

    [Fact]
    public async Task The_policy_saves_with_the_version_seen_refuses_a_stale_one_and_a_flat_fee_above_650_cents()
    {
        var current = (await ReadAsync()).Policy;
        (await UpdateAsync(From(current) with { PatientFlatFeeCents = 651 })).Error!.Message.ShouldContain("$6.50");
        (await UpdateAsync(From(current) with { HospitalState = "texas" })).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await UpdateAsync(From(current) with { FeeWaivedRequesterTypes = ["nobody"] })).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await UpdateAsync(From(current) with { ExtraRestrictedLabels = ["NO-SUCH-LABEL"] })).Error!.Kind.ShouldBe(ErrorKind.Invalid);

        var saved = await UpdateAsync(From(current) with { PolicyDays = 21, HospitalState = "TX", PatientFlatFeeCents = 500 });
        saved.IsSuccess.ShouldBeTrue(saved.Error?.Message);
        var after = (await ReadAsync()).Policy;
        after.PolicyDays.ShouldBe(21);
        after.HospitalState.ShouldBe("TX");
        (await database.ScalarAsync<long>("SELECT count(*) FROM audit.access_events WHERE resource_type = 'RoiSettings' AND action = 'admin'")).ShouldBe(1);

        (await UpdateAsync(From(current) with { PolicyDays = 40 })).Error!.Kind.ShouldBe(ErrorKind.Conflict);
        (await ReadAsync()).Policy.PolicyDays.ShouldBe(21);
        (await UpdateAsync(From(after), new RoiWorld(database, Roles.RoiSpecialist))).Error!.Kind.ShouldBe(ErrorKind.Forbidden);
    }

    private Task<Result<uint>> SaveAsync(SaveStateRuleCommand command) =>
        _manager.RunAsync<SaveStateRuleHandler, Result<uint>>(h => h.HandleAsync(command, CancellationToken.None));

    private static SaveStateRuleCommand State(string code, IReadOnlyList<PageTier>? tiers = null, int? individualDays = 15, uint? version = null, bool active = true) =>
        new(code, "Example " + code, individualDays, false, 20, "Example Stat. 1.2.3", tiers ?? [new PageTier(1, 20, 100), new PageTier(21, null, 50)],
            10, 1500, 1000, 10_000, active, version);

    [Fact]
    public async Task State_rules_are_added_edited_and_retired_with_validated_tiers_and_concurrency()
    {
        (await SaveAsync(State("QA", individualDays: 31))).Error!.Message.ShouldContain("30 days");
        (await SaveAsync(State("QA", [new PageTier(2, 20, 100)]))).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await SaveAsync(State("QA", [new PageTier(1, null, 100), new PageTier(21, null, 50)]))).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await SaveAsync(State("QA", [new PageTier(1, 20, 100), new PageTier(25, null, 50)]))).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await SaveAsync(State("qa"))).Error!.Kind.ShouldBe(ErrorKind.Invalid);

        var added = await SaveAsync(State("QA"));
        added.IsSuccess.ShouldBeTrue(added.Error?.Message);
        (await SaveAsync(State("QA"))).Error!.Kind.ShouldBe(ErrorKind.Conflict);
        var view = (await ReadAsync()).States.Single(s => s.Rule.StateCode == "QA");
        view.Tiers.ShouldBe([new PageTier(1, 20, 100), new PageTier(21, null, 50)]);

        var retired = await SaveAsync(State("QA", version: view.Rule.Version, active: false));
        retired.IsSuccess.ShouldBeTrue(retired.Error?.Message);
        (await ReadAsync()).States.Single(s => s.Rule.StateCode == "QA").Rule.Active.ShouldBeFalse();
        (await SaveAsync(State("QA", version: view.Rule.Version))).Error!.Kind.ShouldBe(ErrorKind.Conflict);
        (await database.ScalarAsync<long>("SELECT count(*) FROM audit.access_events WHERE resource_type = 'StateRule' AND action = 'admin'")).ShouldBe(2);
    }

    [Fact]
    public async Task The_figures_count_the_backlog_the_overdue_the_median_turnaround_pages_and_fees()
    {
        var patient = await CandidatePairs.PatientAsync(database, "Figures", "Patient");
        var now = DateTimeOffset.UtcNow;
        var late = await ReleaseRequests.AddAsync(database, patient, receivedAt: now.AddDays(-40));
        await ReleaseRequests.AddAsync(database, patient, receivedAt: now.AddDays(-26), status: RequestStatuses.Processing);
        var d1 = await ReleaseRequests.AddAsync(database, patient, RequesterTypes.Attorney, receivedAt: now.AddDays(-20), status: RequestStatuses.Delivered);
        var d2 = await ReleaseRequests.AddAsync(database, patient, RequesterTypes.Attorney, receivedAt: now.AddDays(-20), status: RequestStatuses.Delivered);
        var d3 = await ReleaseRequests.AddAsync(database, patient, RequesterTypes.Attorney, receivedAt: now.AddDays(-20), status: RequestStatuses.Delivered);
        await database.ExecuteAsync($"""
            UPDATE roi.requests SET delivered_at = received_at + interval '2 days', closed_at = received_at + interval '2 days' WHERE id = '{d1}';
            UPDATE roi.requests SET delivered_at = received_at + interval '4 days', closed_at = received_at + interval '4 days' WHERE id = '{d2}';
            UPDATE roi.requests SET delivered_at = received_at + interval '10 days', closed_at = received_at + interval '10 days' WHERE id = '{d3}';
            INSERT INTO roi.packets (id, request_id, status, format, page_count, contains_sensitive, queued_at, released_at)
                VALUES (gen_random_uuid(), '{d1}', 'released', 'pdf', 12, false, now(), now() - interval '1 day');
            INSERT INTO roi.invoices (id, request_id, lines, total_cents, basis, created_at) VALUES ('0193a000-0000-7000-8000-000000000001', '{d1}', '[]', 2500, 'test', now());
            INSERT INTO roi.payments (id, invoice_id, amount_cents, method, received_at) VALUES (gen_random_uuid(), '0193a000-0000-7000-8000-000000000001', 1000, 'check', now());
            """);

        var figures = (await _manager.RunAsync<GetRoiFiguresHandler, Result<RoiFigures>>(h => h.HandleAsync(new GetRoiFiguresQuery(), CancellationToken.None))).Value!;
        figures.Overdue.ShouldBe(1);
        figures.DueSoon.ShouldBe(1);
        figures.Backlog.Single(b => b.Status == RequestStatuses.Received).Count.ShouldBe(1);
        figures.Backlog.Single(b => b.Status == RequestStatuses.Processing).Count.ShouldBe(1);
        var attorney = figures.Turnaround.Single(t => t.RequesterType == RequesterTypes.Attorney);
        attorney.Delivered.ShouldBe(3);
        attorney.MedianDays.ShouldBe(4, 0.01);
        figures.PagesReleased.ShouldBe(12);
        figures.InvoicedCents.ShouldBe(2500);
        figures.CollectedCents.ShouldBe(1000);
        figures.Weeks.Count.ShouldBe(26);
        figures.Weeks.Sum(w => w.Received).ShouldBe(5);
        figures.Weeks.Sum(w => w.Delivered).ShouldBe(3);
        figures.Weeks.Sum(w => w.PagesReleased).ShouldBe(12);
        figures.Weeks.Sum(w => w.ReceivedLate).ShouldBeGreaterThanOrEqualTo(1);
        _ = late;
        (await new RoiWorld(database, Roles.HimClerk).RunAsync<GetRoiFiguresHandler, Result<RoiFigures>>(h => h.HandleAsync(new GetRoiFiguresQuery(), CancellationToken.None)))
            .Error!.Kind.ShouldBe(ErrorKind.Forbidden);
    }
}
