using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Completion.Configure.Departments;
using HimPortal.Application.Completion.Configure.GetConfiguration;
using HimPortal.Application.Completion.Configure.OrderModes;
using HimPortal.Application.Completion.Configure.ProcedureKinds;
using HimPortal.Application.Completion.Configure.SaveRule;
using HimPortal.Application.Completion.Configure.UpdateSettings;
using HimPortal.Application.Completion.Him.AddManualDeficiency;
using HimPortal.Application.Completion.Him.ClearDeficiency;
using HimPortal.Application.Completion.Him.GetStay;
using HimPortal.Application.Completion.Him.Leave;
using HimPortal.Application.Completion.Him.ListHimQueue;
using HimPortal.Application.Completion.Him.MarkStayComplete;
using HimPortal.Application.Completion.Him.ReassignDeficiency;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Completion.Him;

/// <summary>The HIM analyst's and manager's chart-completion handlers (issue 18, cc-him): validation, versions, audit, the stays they queue.</summary>
public sealed class HimHandlersTests(ChartDatabase chart) : IClassFixture<ChartDatabase>
{
    private TestDatabase Db => chart.Database;

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private async Task<TResult> RunAsync<THandler, TResult>(Func<THandler, Task<TResult>> call, string role = Roles.HimClerk)
        where THandler : notnull
    {
        var actor = new TestActor();
        actor.ActAs(Guid.NewGuid(), "him", role);
        var clock = new TestClock();
        clock.Set(Now);
        await using var services = Db.Services(actor, clock);
        await using var scope = services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<THandler>());
    }

    private Task<long> CountAsync(string sql) => Db.ScalarAsync<long>(sql);

    [Fact]
    public async Task The_queue_lists_unassigned_and_refused_deficiencies_oldest_first_and_a_reassignment_takes_one_off_with_its_event_and_audit()
    {
        var older = await HimWorld.StayAsync(Db, Now, daysAgo: 40);
        var newer = await HimWorld.StayAsync(Db, Now, daysAgo: 5);
        var refused = await HimWorld.DeficiencyAsync(Db, newer, null, refusal: "not my patient: covering only");
        var unassigned = await HimWorld.DeficiencyAsync(Db, older, null);
        var npi = await HimWorld.AnyNpiAsync(Db);
        var owned = await HimWorld.DeficiencyAsync(Db, older, await HimWorld.PractitionerAsync(Db, npi));

        var page = (await RunAsync<ListHimQueueHandler, Result<HimQueuePage>>(h => h.HandleAsync(new ListHimQueueQuery(), default))).Value!;
        var ids = page.Rows.Select(r => r.DeficiencyId).ToList();
        ids.ShouldContain(unassigned);
        ids.ShouldContain(refused);
        ids.ShouldNotContain(owned);
        ids.IndexOf(unassigned).ShouldBeLessThan(ids.IndexOf(refused), "oldest discharge first");
        page.Rows.Single(r => r.DeficiencyId == refused).RefusalReason.ShouldBe("not my patient: covering only");

        // Keyset: a page of one, then the next.
        var first = (await RunAsync<ListHimQueueHandler, Result<HimQueuePage>>(h => h.HandleAsync(new ListHimQueueQuery(PageSize: 1), default))).Value!;
        first.NextAfter.ShouldNotBeNull();
        var second = (await RunAsync<ListHimQueueHandler, Result<HimQueuePage>>(h => h.HandleAsync(new ListHimQueueQuery(After: first.NextAfter, PageSize: 1), default))).Value!;
        second.Rows.Single().DeficiencyId.ShouldNotBe(first.Rows.Single().DeficiencyId);

        // Validation refused: nothing changes.
        var version = await HimWorld.VersionAsync(Db, "deficiencies", "id", refused);
        var invalid = await RunAsync<ReassignDeficiencyHandler, Result<bool>>(h => h.HandleAsync(new ReassignDeficiencyCommand(refused, null, "", null, version), default));
        invalid.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        var unknown = await RunAsync<ReassignDeficiencyHandler, Result<bool>>(h => h.HandleAsync(new ReassignDeficiencyCommand(refused, null, "0000000000", null, version), default));
        unknown.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await CountAsync($"SELECT count(*) FROM completion.deficiencies WHERE id = '{refused}' AND responsible_practitioner_id IS NULL")).ShouldBe(1);

        var done = await RunAsync<ReassignDeficiencyHandler, Result<bool>>(h => h.HandleAsync(new ReassignDeficiencyCommand(refused, null, npi, "covering attending", version), default));
        done.IsSuccess.ShouldBeTrue(done.Error?.Message);
        (await Db.ScalarAsync<string>($"""
            SELECT (responsible_practitioner_id IS NOT NULL)::text || assigned_by_him::text || coalesce(refusal_reason, '-') FROM completion.deficiencies WHERE id = '{refused}'
            """)).ShouldBe("truetrue-");
        (await CountAsync($"SELECT count(*) FROM completion.deficiency_events WHERE deficiency_id = '{refused}' AND kind = 'assigned' AND note = 'covering attending'")).ShouldBe(1);
        (await CountAsync($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{newer.EncounterId}' AND details LIKE 'completion.reassign;%' AND patient_id = '{newer.PatientId}'")).ShouldBe(1);

        // The version the analyst saw is stale now.
        var stale = await RunAsync<ReassignDeficiencyHandler, Result<bool>>(h => h.HandleAsync(new ReassignDeficiencyCommand(refused, null, npi, null, version), default));
        stale.Error!.Kind.ShouldBe(ErrorKind.Conflict);

        var after = (await RunAsync<ListHimQueueHandler, Result<HimQueuePage>>(h => h.HandleAsync(new ListHimQueueQuery(), default))).Value!;
        after.Rows.Select(r => r.DeficiencyId).ShouldNotContain(refused);
    }

    [Fact]
    public async Task A_stay_is_marked_complete_only_when_nothing_is_open_and_manual_and_cleared_deficiencies_keep_the_counts()
    {
        var stay = await HimWorld.StayAsync(Db, Now, patient: ClinicalData.Cortes);
        var open = await HimWorld.DeficiencyAsync(Db, stay, null);
        var stayVersion = await HimWorld.VersionAsync(Db, "stays", "encounter_id", stay.EncounterId);

        var refused = await RunAsync<MarkStayCompleteHandler, Result<bool>>(h => h.HandleAsync(new MarkStayCompleteCommand(stay.EncounterId, stayVersion), default));
        refused.Error!.Kind.ShouldBe(ErrorKind.Conflict);
        refused.Error.Message.ShouldContain("1 open deficiency");

        // A manual deficiency: validation first, then added to the HIM queue.
        (await RunAsync<AddManualDeficiencyHandler, Result<Guid>>(h => h.HandleAsync(new AddManualDeficiencyCommand(stay.EncounterId, "", null, null, null), default)))
            .Error!.Kind.ShouldBe(ErrorKind.Invalid);
        var manual = (await RunAsync<AddManualDeficiencyHandler, Result<Guid>>(h => h.HandleAsync(
            new AddManualDeficiencyCommand(stay.EncounterId, "Anesthesia record page 2 missing", null, null, new DateOnly(2026, 12, 10)), default))).Value;
        (await Db.ScalarAsync<string>($"SELECT kind || ':' || (rule_id IS NULL) || ':' || open_deficiencies FROM completion.deficiencies d JOIN completion.stays s USING (encounter_id) WHERE d.id = '{manual}'"))
            .ShouldBe("manual:true:2");

        // Clear both: a reason is required.
        var version = await HimWorld.VersionAsync(Db, "deficiencies", "id", open);
        (await RunAsync<ClearDeficiencyHandler, Result<bool>>(h => h.HandleAsync(new ClearDeficiencyCommand(open, " ", version), default))).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await RunAsync<ClearDeficiencyHandler, Result<bool>>(h => h.HandleAsync(new ClearDeficiencyCommand(open, "documented on paper, scanned", version), default))).IsSuccess.ShouldBeTrue();
        (await RunAsync<ClearDeficiencyHandler, Result<bool>>(h => h.HandleAsync(new ClearDeficiencyCommand(open, "again", version), default))).Error!.Kind.ShouldBe(ErrorKind.Conflict);
        var manualVersion = await HimWorld.VersionAsync(Db, "deficiencies", "id", manual);
        (await RunAsync<ClearDeficiencyHandler, Result<bool>>(h => h.HandleAsync(new ClearDeficiencyCommand(manual, "found in the anesthesia record", manualVersion), default))).IsSuccess.ShouldBeTrue();
        (await Db.ScalarAsync<string>($"SELECT status || ':' || open_deficiencies FROM completion.stays WHERE encounter_id = '{stay.EncounterId}'")).ShouldBe("ready:0");
        (await Db.ScalarAsync<string>($"SELECT resolution FROM completion.deficiencies WHERE id = '{open}'")).ShouldBe("cleared");

        // The stay changed since the first read: the old version is refused, the new one marks it.
        (await RunAsync<MarkStayCompleteHandler, Result<bool>>(h => h.HandleAsync(new MarkStayCompleteCommand(stay.EncounterId, stayVersion), default))).Error!.Kind.ShouldBe(ErrorKind.Conflict);
        var current = await HimWorld.VersionAsync(Db, "stays", "encounter_id", stay.EncounterId);
        (await RunAsync<MarkStayCompleteHandler, Result<bool>>(h => h.HandleAsync(new MarkStayCompleteCommand(stay.EncounterId, current), default))).IsSuccess.ShouldBeTrue();
        (await Db.ScalarAsync<string>($"SELECT status || ':' || (completed_at IS NOT NULL) || ':' || (completed_by IS NOT NULL) FROM completion.stays WHERE encounter_id = '{stay.EncounterId}'"))
            .ShouldBe("complete:true:true");
        (await CountAsync($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{stay.EncounterId}' AND details LIKE 'completion.complete;%'")).ShouldBe(1);

        var view = (await RunAsync<GetStayHandler, Result<StayView>>(h => h.HandleAsync(new GetStayQuery(stay.EncounterId), default))).Value!;
        view.Deficiencies.Count.ShouldBe(2);
        view.Deficiencies.ShouldAllBe(d => d.Status == "resolved" && d.History.Any(e => e.Kind == "resolved"));
        (await RunAsync<GetStayHandler, Result<StayView>>(h => h.HandleAsync(new GetStayQuery(Guid.NewGuid()), default))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await RunAsync<GetStayHandler, Result<StayView>>(h => h.HandleAsync(new GetStayQuery(stay.EncounterId), default), Roles.Physician)).Error!.Kind.ShouldBe(ErrorKind.Forbidden);
    }

    [Fact]
    public async Task Recording_and_cancelling_leave_queues_the_physicians_open_stays()
    {
        var stay = await HimWorld.StayAsync(Db, Now, patient: ClinicalData.Largest);
        var npi = await HimWorld.AnyNpiAsync(Db);
        await HimWorld.DeficiencyAsync(Db, stay, await HimWorld.PractitionerAsync(Db, npi));
        await Db.ExecuteAsync("DELETE FROM completion.analysis_queue");

        (await RunAsync<RecordLeaveHandler, Result<Guid>>(h => h.HandleAsync(new RecordLeaveCommand(null, npi, new DateOnly(2026, 12, 10), new DateOnly(2026, 12, 3), "vacation"), default)))
            .Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await CountAsync("SELECT count(*) FROM completion.analysis_queue")).ShouldBe(0);

        var leave = (await RunAsync<RecordLeaveHandler, Result<Guid>>(h => h.HandleAsync(new RecordLeaveCommand(null, npi, new DateOnly(2026, 12, 3), new DateOnly(2026, 12, 10), "vacation"), default))).Value;
        (await CountAsync($"SELECT count(*) FROM completion.analysis_queue WHERE encounter_id = '{stay.EncounterId}'")).ShouldBe(1);
        (await CountAsync($"SELECT count(*) FROM audit.access_events WHERE resource_type = 'PhysicianLeave' AND resource_id = '{leave}'")).ShouldBe(1);

        // Overlapping leave is refused.
        (await RunAsync<RecordLeaveHandler, Result<Guid>>(h => h.HandleAsync(new RecordLeaveCommand(null, npi, new DateOnly(2026, 12, 9), new DateOnly(2026, 12, 12), "more"), default)))
            .Error!.Kind.ShouldBe(ErrorKind.Invalid);

        await Db.ExecuteAsync("DELETE FROM completion.analysis_queue");
        var version = await HimWorld.VersionAsync(Db, "leaves", "id", leave);
        (await RunAsync<CancelLeaveHandler, Result<bool>>(h => h.HandleAsync(new CancelLeaveCommand(leave, version + 1), default))).Error!.Kind.ShouldBe(ErrorKind.Conflict);
        (await RunAsync<CancelLeaveHandler, Result<bool>>(h => h.HandleAsync(new CancelLeaveCommand(leave, version), default))).IsSuccess.ShouldBeTrue();
        (await CountAsync($"SELECT count(*) FROM completion.analysis_queue WHERE encounter_id = '{stay.EncounterId}'")).ShouldBe(1);
        (await CountAsync($"SELECT count(*) FROM completion.leaves WHERE id = '{leave}' AND cancelled_at IS NOT NULL")).ShouldBe(1);
    }

    [Fact]
    public async Task A_manager_changes_a_rules_window_which_queues_the_open_stays_of_its_classes_and_invalid_rules_change_nothing()
    {
        var stay = await HimWorld.StayAsync(Db, Now, patient: ClinicalData.WithImaging, encounterClass: "IMP");
        await HimWorld.DeficiencyAsync(Db, stay, null);
        await Db.ExecuteAsync("DELETE FROM completion.analysis_queue");
        var config = (await RunAsync<GetConfigurationHandler, Result<CompletionConfiguration>>(h => h.HandleAsync(new GetConfigurationQuery(), default), Roles.HimManager)).Value!;
        var rule = config.Rules.Single(r => r.Code == "discharge-summary");
        SaveRuleCommand From(RuleView r) => new(r.Id, r.Code, r.Name, r.Citation, r.Kind, r.Enabled, r.EncounterClasses, r.FacilityIds, r.DocumentTypes, r.Anchor,
            r.WindowStartHours, r.WindowEndHours, r.UpdateNoteTypes, r.UpdateWithinHours, r.BeforeProcedureFlag, r.ProcedureFlag, r.Responsible, r.DueHours, r.DueDays,
            r.Description, r.Version);

        // A clerk may not; the window start after its end, a malformed LOINC, an unknown class, a procedure anchor without its flag are refused.
        (await RunAsync<SaveRuleHandler, Result<Guid>>(h => h.HandleAsync(From(rule), default))).Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        foreach (var bad in new[]
                 {
                     From(rule) with { WindowStartHours = 200, WindowEndHours = 100 },
                     From(rule) with { DocumentTypes = ["18842-4"] },
                     From(rule) with { DocumentTypes = [] },
                     From(rule) with { EncounterClasses = ["INPATIENT"] },
                     From(rule) with { Anchor = "procedure", ProcedureFlag = null },
                 })
        {
            var refused = await RunAsync<SaveRuleHandler, Result<Guid>>(h => h.HandleAsync(bad, default), Roles.HimManager);
            refused.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        }

        (await CountAsync("SELECT count(*) FROM completion.analysis_queue")).ShouldBe(0);
        (await Db.ScalarAsync<int>("SELECT window_end_hours FROM completion.rules WHERE code = 'discharge-summary'")).ShouldBe(168);

        var saved = await RunAsync<SaveRuleHandler, Result<Guid>>(h => h.HandleAsync(From(rule) with { WindowEndHours = 240 }, default), Roles.HimManager);
        saved.IsSuccess.ShouldBeTrue(saved.Error?.Message);
        (await Db.ScalarAsync<int>("SELECT window_end_hours FROM completion.rules WHERE code = 'discharge-summary'")).ShouldBe(240);
        (await CountAsync($"SELECT count(*) FROM completion.analysis_queue WHERE encounter_id = '{stay.EncounterId}'")).ShouldBe(1);
        (await CountAsync($"SELECT count(*) FROM audit.access_events WHERE resource_type = 'CompletionRule' AND details LIKE '%WindowEndHours 168 → 240%'")).ShouldBe(1);
        (await RunAsync<SaveRuleHandler, Result<Guid>>(h => h.HandleAsync(From(rule) with { WindowEndHours = 200 }, default), Roles.HimManager)).Error!.Kind.ShouldBe(ErrorKind.Conflict);

        // A new rule; its code must be new.
        var added = await RunAsync<SaveRuleHandler, Result<Guid>>(h => h.HandleAsync(From(rule) with { Id = null, Code = "post-operative-note", Name = "Post-operative note before the next level of care",
            Citation = "42 CFR 482.51(b)(6)", DocumentTypes = ["11504-8"], Anchor = "procedure", ProcedureFlag = "surgery", WindowStartHours = 0, WindowEndHours = 4,
            Responsible = "primary-performer" }, default), Roles.HimManager);
        added.IsSuccess.ShouldBeTrue(added.Error?.Message);
        (await RunAsync<SaveRuleHandler, Result<Guid>>(h => h.HandleAsync(From(rule) with { Id = null, Code = "post-operative-note" }, default), Roles.HimManager)).Error!.Kind.ShouldBe(ErrorKind.Invalid);
    }

    [Fact]
    public async Task The_settings_are_validated_versioned_and_audited()
    {
        var s = (await RunAsync<GetConfigurationHandler, Result<CompletionConfiguration>>(h => h.HandleAsync(new GetConfigurationQuery(), default), Roles.HimManager)).Value!.Settings;
        (await RunAsync<UpdateSettingsHandler, Result<bool>>(h => h.HandleAsync(new UpdateSettingsCommand(s.GoLive, [7, 7], 0, 7, true, s.Version), default), Roles.HimManager))
            .Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await RunAsync<UpdateSettingsHandler, Result<bool>>(h => h.HandleAsync(new UpdateSettingsCommand(s.GoLive, [14, 7], 2, 10, true, s.Version), default), Roles.HimManager))
            .IsSuccess.ShouldBeTrue();
        (await Db.ScalarAsync<string>("SELECT array_to_string(notice_days_before, ',') || ':' || escalate_after_days || ':' || suspend_after_days FROM completion.settings")).ShouldBe("14,7:2:10");
        (await RunAsync<UpdateSettingsHandler, Result<bool>>(h => h.HandleAsync(new UpdateSettingsCommand(s.GoLive, [1], 2, 10, true, s.Version), default), Roles.HimManager))
            .Error!.Kind.ShouldBe(ErrorKind.Conflict);
        (await CountAsync("SELECT count(*) FROM audit.access_events WHERE resource_type = 'CompletionSettings' AND details LIKE 'completion.configure;%'")).ShouldBe(1);
    }

    [Fact]
    public async Task Order_modes_procedure_kinds_and_departments_are_configured_with_validation_and_audit()
    {
        const string M = Roles.HimManager;
        (await RunAsync<AddOrderModeHandler, Result<Guid>>(h => h.HandleAsync(new AddOrderModeCommand("no-bar", "verbal"), default), M)).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        var mode = (await RunAsync<AddOrderModeHandler, Result<Guid>>(h => h.HandleAsync(new AddOrderModeCommand("urn:oid:2.16.840.1.113883.19|TEL", "telephone"), default), M)).Value;
        (await RunAsync<AddOrderModeHandler, Result<Guid>>(h => h.HandleAsync(new AddOrderModeCommand("urn:oid:2.16.840.1.113883.19|TEL", "verbal"), default), M)).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await RunAsync<RemoveOrderModeHandler, Result<bool>>(h => h.HandleAsync(new RemoveOrderModeCommand(mode), default), M)).IsSuccess.ShouldBeTrue();
        (await CountAsync($"SELECT count(*) FROM completion.order_modes WHERE id = '{mode}'")).ShouldBe(0);

        (await RunAsync<SaveProcedureKindHandler, Result<bool>>(h => h.HandleAsync(new SaveProcedureKindCommand("http://snomed.info/sct", "", "x", true, false, false, null), default), M))
            .Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await RunAsync<SaveProcedureKindHandler, Result<bool>>(h => h.HandleAsync(new SaveProcedureKindCommand("http://snomed.info/sct", "999000111", "Test excision", true, true, false, null), default), M))
            .IsSuccess.ShouldBeTrue();
        var kindVersion = (uint)await Db.ScalarAsync<long>("SELECT xmin::text::bigint FROM completion.procedure_kinds WHERE code = '999000111'");
        (await RunAsync<SaveProcedureKindHandler, Result<bool>>(h => h.HandleAsync(new SaveProcedureKindCommand("http://snomed.info/sct", "999000111", "Test excision", true, true, true, kindVersion), default), M))
            .IsSuccess.ShouldBeTrue();
        (await RunAsync<SaveProcedureKindHandler, Result<bool>>(h => h.HandleAsync(new SaveProcedureKindCommand("http://snomed.info/sct", "999000111", "Test excision", false, true, true, kindVersion), default), M))
            .Error!.Kind.ShouldBe(ErrorKind.Conflict);
        (await Db.ScalarAsync<bool>("SELECT consent FROM completion.procedure_kinds WHERE code = '999000111'")).ShouldBeTrue();

        var chief = await HimWorld.AnyNpiAsync(Db);
        var member = await HimWorld.AnyNpiAsync(Db, chief);
        var department = (await RunAsync<SaveDepartmentHandler, Result<Guid>>(h => h.HandleAsync(new SaveDepartmentCommand(null, "Surgery", chief, 0), default), M)).Value;
        (await RunAsync<SaveDepartmentHandler, Result<Guid>>(h => h.HandleAsync(new SaveDepartmentCommand(null, "Surgery", null, 0), default), M)).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await RunAsync<AddDepartmentMemberHandler, Result<bool>>(h => h.HandleAsync(new AddDepartmentMemberCommand(department, member), default), M)).IsSuccess.ShouldBeTrue();
        var list = (await RunAsync<ListDepartmentsHandler, Result<IReadOnlyList<DepartmentView>>>(h => h.HandleAsync(new ListDepartmentsQuery(), default), M)).Value!;
        var surgery = list.Single(d => d.Id == department);
        surgery.Chief!.ShouldContain(chief);
        surgery.Members.Single().Name.ShouldContain(member);
        (await RunAsync<SaveDepartmentHandler, Result<Guid>>(h => h.HandleAsync(new SaveDepartmentCommand(department, "General surgery", chief, surgery.Version + 1), default), M))
            .Error!.Kind.ShouldBe(ErrorKind.Conflict);
        (await RunAsync<SaveDepartmentHandler, Result<Guid>>(h => h.HandleAsync(new SaveDepartmentCommand(department, "General surgery", chief, surgery.Version), default), M))
            .IsSuccess.ShouldBeTrue();
        (await RunAsync<RemoveDepartmentMemberHandler, Result<bool>>(h => h.HandleAsync(new RemoveDepartmentMemberCommand(department, surgery.Members.Single().PractitionerId), default), M))
            .IsSuccess.ShouldBeTrue();
        (await CountAsync("SELECT count(*) FROM audit.access_events WHERE details LIKE 'completion.configure;%' AND resource_type IN ('OrderModeMapping', 'ProcedureKind', 'Department')"))
            .ShouldBe(8);
    }

    [Theory]
    [InlineData("18842-5", true)]
    [InlineData("34117-2", true)]
    [InlineData("11504-8", true)]
    [InlineData("59284-0", true)]
    [InlineData("11492-6", true)]
    [InlineData("18842-4", false)]
    [InlineData("18842", false)]
    [InlineData("ab-1", false)]
    public void Loinc_codes_are_checked_by_their_check_digit(string code, bool wellFormed) => Loinc.IsWellFormed(code).ShouldBe(wellFormed);
}
