using System.Text;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Compliance.AccessLog;
using HimPortal.Application.Compliance.ExportAccessLog;
using HimPortal.Application.Compliance.SearchAccessLog;
using HimPortal.Application.Compliance.UserActivity;
using HimPortal.Application.Compliance.WhoAccessedPatient;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Compliance;

/// <summary>The access-log search, the two ready views and the CSV export: filters, keyset pages, audit of the reviewer.</summary>
public sealed class AccessLogTests(ComplianceWorld world) : IClassFixture<ComplianceWorld>
{
    private async Task<(Guid Patient, StaffMember Reader, List<DateTimeOffset> Times)> HistoryAsync(int views)
    {
        var patient = await world.PatientAsync("Ada", "History");
        var reader = await world.StaffAsync(Roles.Physician);
        var times = new List<DateTimeOffset>();
        var start = DateTimeOffset.UtcNow.AddDays(-3);
        for (var i = 0; i < views; i++)
        {
            var at = start.AddMinutes(i * 7);
            times.Add(at);
            await world.ViewAsync(reader, patient, at);
        }

        return (patient, reader, times);
    }

    private Task<Application.Common.Result<AccessLogPage>> SearchAsync(AccessLogFilter filter, string? after = null, int size = 50)
    {
        world.ActAsComplianceOfficer();
        return world.AsAsync(sp => sp.GetRequiredService<SearchAccessLogHandler>()
            .HandleAsync(new SearchAccessLogQuery(filter, after, size), CancellationToken.None));
    }

    [Fact]
    public async Task Who_accessed_a_patient_pages_newest_first_without_gaps_or_repeats()
    {
        var (patient, _, times) = await HistoryAsync(12);
        var seen = new List<AccessLogRow>();
        string? after = null;
        do
        {
            var page = (await SearchAsync(new AccessLogFilter(PatientId: patient), after, size: 5)).Value!;
            page.Rows.Count.ShouldBeLessThanOrEqualTo(5);
            seen.AddRange(page.Rows);
            after = page.NextAfter;
        }
        while (after is not null);

        seen.Where(r => r.Action == AuditAction.View).Select(r => r.OccurredAt)
            .ShouldBe(times.OrderDescending().Select(AuditChain.ToStoredPrecision));
        seen.Select(r => r.Id).Distinct().Count().ShouldBe(seen.Count);
        seen.ShouldAllBe(r => r.PatientName == "Ada History");
    }

    [Fact]
    public async Task Filters_combine_and_break_the_glass_finds_grants_and_the_views_under_them()
    {
        var (patient, reader, _) = await HistoryAsync(3);
        await world.RefusedAsync(reader, patient, DateTimeOffset.UtcNow.AddDays(-2));
        await world.ViewAsync(reader, patient, DateTimeOffset.UtcNow.AddDays(-1), "ETREAT", "break-glass");

        (await SearchAsync(new AccessLogFilter(PatientId: patient, Outcome: AuditOutcome.Denied))).Value!.Rows.ShouldHaveSingleItem().Outcome.ShouldBe("denied");
        (await SearchAsync(new AccessLogFilter(UserId: reader.Id, BreakGlassOnly: true))).Value!.Rows.ShouldHaveSingleItem().Purpose.ShouldBe("ETREAT");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var recent = (await SearchAsync(new AccessLogFilter(PatientId: patient, From: today.AddDays(-1), To: today, Action: AuditAction.View))).Value!;
        recent.Rows.Where(r => r.UserId == reader.Id).ShouldHaveSingleItem();
        var byTime = (await SearchAsync(new AccessLogFilter(From: today.AddDays(-2), To: today, Outcome: AuditOutcome.Denied))).Value!;
        byTime.Rows.ShouldContain(r => r.PatientId == patient, "a date range alone reads refusals from the notable-events index");
    }

    [Fact]
    public async Task A_search_without_a_patient_or_user_needs_a_range_of_at_most_a_month_and_bad_input_is_named()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        (await SearchAsync(new AccessLogFilter(Action: AuditAction.View))).Error!.Message
            .ShouldBe("Choose a patient or a user, or give both dates of a range of at most 31 days.");
        (await SearchAsync(new AccessLogFilter(From: today.AddDays(-40), To: today))).Error!.Message.ShouldContain("at most 31 days");
        (await SearchAsync(new AccessLogFilter(UserId: Guid.NewGuid(), From: today, To: today.AddDays(-1)))).Error!.Message
            .ShouldBe("The end date is before the start date.");
        (await SearchAsync(new AccessLogFilter(UserId: Guid.NewGuid(), Action: "peek"))).Error!.Message.ShouldStartWith("'peek' is not an action of the log.");
        (await SearchAsync(new AccessLogFilter(UserId: Guid.NewGuid()), after: "not-a-cursor")).Error!.Message.ShouldBe("The page link is not valid: search again.");
    }

    [Fact]
    public async Task The_reviewers_own_search_is_audited_in_the_patients_history()
    {
        var (patient, _, _) = await HistoryAsync(1);
        var officer = Guid.NewGuid();
        world.ActAsComplianceOfficer(officer);
        (await world.AsAsync(sp => sp.GetRequiredService<SearchAccessLogHandler>()
            .HandleAsync(new SearchAccessLogQuery(new AccessLogFilter(PatientId: patient)), CancellationToken.None))).IsSuccess.ShouldBeTrue();

        await using var scope = world.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var row = await db.AccessEvents.AsNoTracking().SingleAsync(e => e.UserId == officer);
        row.Action.ShouldBe(AuditAction.Search);
        row.ResourceType.ShouldBe("AccessLog");
        row.PatientId.ShouldBe(patient);
        row.Details!.ShouldContain("patient=" + patient.ToString("D"));
    }

    [Fact]
    public async Task Only_reviewers_may_read_the_log()
    {
        foreach (var role in Roles.All)
        {
            world.Actor.ActAs(Guid.NewGuid(), "someone@test.himportal.example", role);
            var result = await world.AsAsync(sp => sp.GetRequiredService<SearchAccessLogHandler>()
                .HandleAsync(new SearchAccessLogQuery(new AccessLogFilter(UserId: Guid.NewGuid())), CancellationToken.None));
            result.IsSuccess.ShouldBe(role is Roles.ComplianceOfficer or Roles.HimManager, role);
        }
    }

    [Fact]
    public async Task The_ready_views_summarise_who_accessed_a_patient_and_what_a_user_accessed()
    {
        var (patient, reader, _) = await HistoryAsync(4);
        var second = await world.StaffAsync(Roles.HimClerk);
        await world.ViewAsync(second, patient, DateTimeOffset.UtcNow.AddHours(-1), "HOPERAT", "operations");
        world.ActAsComplianceOfficer();

        var who = (await world.AsAsync(sp => sp.GetRequiredService<WhoAccessedPatientHandler>()
            .HandleAsync(new WhoAccessedPatientQuery(patient), CancellationToken.None))).Value!;
        who.Accessors.Select(a => a.UserId).ShouldBe([second.Id, reader.Id]);
        who.Accessors.Single(a => a.UserId == reader.Id).Views.ShouldBe(4);
        who.Accessors.Single(a => a.UserId == reader.Id).Roles.ShouldBe([Roles.Physician]);

        var what = (await world.AsAsync(sp => sp.GetRequiredService<UserActivityHandler>()
            .HandleAsync(new UserActivityQuery(reader.Id, 30), CancellationToken.None))).Value!;
        what.Patients.ShouldHaveSingleItem().Events.ShouldBe(4);
        what.Page.Rows.Count.ShouldBe(4);
    }

    [Fact]
    public async Task The_export_streams_every_row_ends_with_the_last_rows_hash_and_is_audited_before_and_after()
    {
        var (patient, _, times) = await HistoryAsync(7);
        var officer = Guid.NewGuid();
        world.ActAsComplianceOfficer(officer);
        using var output = new MemoryStream();
        string? file = null;
        var result = await world.AsAsync(sp => sp.GetRequiredService<ExportAccessLogHandler>()
            .HandleAsync(new ExportAccessLogCommand(new AccessLogFilter(PatientId: patient), name =>
            {
                file = name;
                return output;
            }), CancellationToken.None));

        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        file.ShouldStartWith("access-log-");
        var lines = Encoding.UTF8.GetString(output.ToArray()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(l => l.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        lines[0].ShouldBe(AccessLogCsv.Header);
        lines.Count.ShouldBe(1 + 7 + 1);
        var export = result.Value!;
        export.Rows.ShouldBe(7);
        lines[^1].ShouldContain($"last row {export.LastRowId:D} lane {export.LastLane} sequence {export.LastSeq} hash {export.LastHash}");

        await using var scope = world.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var last = await db.AccessEvents.AsNoTracking().SingleAsync(e => e.Id == export.LastRowId);
        Convert.ToHexStringLower(last.Hash).ShouldBe(export.LastHash);
        last.OccurredAt.ShouldBe(AuditChain.ToStoredPrecision(times.Min()), "newest first: the last row is the oldest");
        // The test clock stands still, so both rows have one time: told apart by what they say.
        var audited = await db.AccessEvents.AsNoTracking().Where(e => e.UserId == officer).ToListAsync();
        audited = [.. audited.OrderBy(e => e.Details!.StartsWith("csv started", StringComparison.Ordinal) ? 0 : 1)];
        audited.Select(e => e.Action).ShouldBe([AuditAction.Export, AuditAction.Export]);
        audited[0].Details!.ShouldStartWith("csv started");
        audited[1].Details!.ShouldContain($"csv completed; export={audited[0].Id:D}; rows=7; last-row={export.LastRowId:D}; last-hash={export.LastHash}");
        audited.ShouldAllBe(e => e.PatientId == patient);
    }

    [Fact]
    public async Task An_export_cut_off_midway_is_audited_as_interrupted()
    {
        var (patient, _, _) = await HistoryAsync(3);
        var officer = Guid.NewGuid();
        world.ActAsComplianceOfficer(officer);
        await Should.ThrowAsync<IOException>(() => world.AsAsync(sp => sp.GetRequiredService<ExportAccessLogHandler>()
            .HandleAsync(new ExportAccessLogCommand(new AccessLogFilter(PatientId: patient), _ => new BrokenStream()), CancellationToken.None)));

        await using var scope = world.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var audited = await db.AccessEvents.AsNoTracking().Where(e => e.UserId == officer).ToListAsync();
        audited.Select(e => e.Outcome).Order().ShouldBe([AuditOutcome.Error, AuditOutcome.Success]);
        audited.Single(e => e.Outcome == AuditOutcome.Error).Details!.ShouldStartWith("csv interrupted; export=");
    }

    [Fact]
    public void Csv_fields_are_quoted_and_formulas_are_defused()
    {
        var row = new AccessLogRow(Guid.NewGuid(), DateTimeOffset.UnixEpoch, null, "a,b", [], "view", "success", null, "=HYPERLINK(\"x\")", null,
            null, null, "say \"hi\"\nthere", "@SUM(A1)", null, null, null, 0, 1, new byte[32]);
        var line = new StringBuilder();
        AccessLogCsv.AppendRow(line, row);
        var text = line.ToString();
        text.ShouldContain("\"a,b\"");
        text.ShouldContain("\"'=HYPERLINK(\"\"x\"\")\"");
        text.ShouldContain("\"say \"\"hi\"\"\nthere\"");
        text.ShouldContain("\"'@SUM(A1)\"");
    }

    private sealed class BrokenStream : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("the client went away");

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            throw new IOException("the client went away");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new IOException("the client went away");
    }
}
