using HimPortal.Application.Access;
using HimPortal.Application.Completion.Notices.GetNoticeLetter;
using HimPortal.Application.Completion.Notices.ListNotices;
using HimPortal.Application.Completion.Notices.MarkNoticeRead;
using HimPortal.Data.Completion;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Completion;

/// <summary>Aging on the fake clock (issue 18 item 4): reminders, the delinquent notice, escalation, suspensions, letters.</summary>
public sealed class AgingTests(AgingWorld world) : IClassFixture<AgingWorld>
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Reminders_go_at_7_3_and_1_days_then_the_delinquent_notice_and_the_escalation_to_the_chief_each_once()
    {
        var clock = new TestClock();
        clock.Set(Start);
        var physician = await world.PractitionerAsync();
        var chief = await world.PractitionerAsync();
        await world.DepartmentAsync("Surgery " + physician.Npi, chief.Id, physician.Id);
        var delinquentAt = Start.AddDays(10);
        var stay = await world.StayAsync(Start.AddDays(-20), delinquentAt);
        var summary = await world.DeficiencyAsync(stay, physician.Id);
        var hp = await world.DeficiencyAsync(stay, physician.Id, "hp-24h");

        await world.AgeAsync(clock);
        (await world.NoticesToAsync(physician.Id)).ShouldBeEmpty();

        foreach (var (at, expected) in new[]
                 {
                     (delinquentAt.AddDays(-7).AddHours(1), "reminder:7"),
                     (delinquentAt.AddDays(-3), "reminder:3"),
                     (delinquentAt.AddDays(-1).AddMinutes(30), "reminder:1"),
                     (delinquentAt.AddHours(1), "delinquent"),
                 })
        {
            clock.Set(at);
            await world.AgeAsync(clock);
            var again = await world.AgeAsync(clock);
            (again.Reminders + again.Delinquent + again.Escalations).ShouldBe(0, "a run repeated sends nothing new");
            (await world.NoticesToAsync(physician.Id))[^1].Key.ShouldStartWith(expected);
        }

        var sent = await world.NoticesToAsync(physician.Id);
        sent.Select(n => n.Kind).ShouldBe([NoticeKinds.Reminder, NoticeKinds.Reminder, NoticeKinds.Reminder, NoticeKinds.Delinquent]);
        sent.ShouldAllBe(n => n.DeficiencyIds.Contains(summary) && n.DeficiencyIds.Contains(hp) && n.LetterObjectId != null && n.LetterPages >= 1);

        // EscalateAfterDays is 0 by default: the chief hears of it as soon as the record is delinquent, once.
        var escalations = await world.NoticesToAsync(chief.Id);
        escalations.Count.ShouldBe(1);
        escalations[0].Kind.ShouldBe(NoticeKinds.Escalation);
        escalations[0].AboutPractitionerId.ShouldBe(physician.Id);
        clock.Advance(TimeSpan.FromDays(1));
        await world.AgeAsync(clock);
        (await world.NoticesToAsync(chief.Id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_physician_goes_on_the_suspension_list_after_the_bylaws_days_and_comes_off_when_no_delinquent_record_remains()
    {
        var clock = new TestClock();
        var physician = await world.PractitionerAsync();
        var delinquentAt = Start.AddDays(-1);
        var first = await world.StayAsync(Start.AddDays(-31), delinquentAt);
        var second = await world.StayAsync(Start.AddDays(-30), delinquentAt.AddDays(1));
        var owed = new[]
        {
            await world.DeficiencyAsync(first, physician.Id), await world.DeficiencyAsync(first, physician.Id, "hp-24h"),
            await world.DeficiencyAsync(second, physician.Id),
        };

        // SuspendAfterDays is 7: delinquent for exactly 7 days is not yet "more than".
        clock.Set(delinquentAt.AddDays(7).AddMinutes(-1));
        (await world.AgeAsync(clock)).SuspensionsStarted.ShouldBe(0);
        clock.Set(delinquentAt.AddDays(7).AddHours(1));
        var run = await world.AgeAsync(clock);
        run.SuspensionsStarted.ShouldBeGreaterThanOrEqualTo(1);
        (await world.AgeAsync(clock)).SuspensionsStarted.ShouldBe(0);
        List<Suspension> suspensions = [];
        await world.WithDbAsync(async db => { suspensions = [.. db.Suspensions.Where(s => s.PractitionerId == physician.Id)]; await Task.CompletedTask; });
        suspensions.Count.ShouldBe(1);
        suspensions[0].StartedAt.ShouldBe(clock.GetUtcNow());
        suspensions[0].DelinquentRecordsAtStart.ShouldBe(2, "records, not deficiencies");
        suspensions[0].EndedAt.ShouldBeNull();
        (await world.NoticesToAsync(physician.Id)).Count(n => n.Kind == NoticeKinds.Suspension).ShouldBe(1);

        // One record completed: still one delinquent, still suspended; the last one: the suspension ends.
        await world.ResolveAsync(owed[0], clock.GetUtcNow());
        await world.ResolveAsync(owed[1], clock.GetUtcNow());
        (await world.AgeAsync(clock)).SuspensionsEnded.ShouldBe(0);
        clock.Advance(TimeSpan.FromDays(2));
        await world.ResolveAsync(owed[2], clock.GetUtcNow());
        (await world.AgeAsync(clock)).SuspensionsEnded.ShouldBeGreaterThanOrEqualTo(1);
        await world.WithDbAsync(async db => { suspensions = [.. db.Suspensions.Where(s => s.PractitionerId == physician.Id)]; await Task.CompletedTask; });
        suspensions.Single().EndedAt.ShouldBe(clock.GetUtcNow());
        (await world.AgeAsync(clock)).SuspensionsStarted.ShouldBe(0);
    }

    [Fact]
    public async Task The_physician_reads_their_notices_marks_one_read_and_downloads_its_letter_which_names_each_deficiency_and_passes_qpdf()
    {
        var clock = new TestClock();
        clock.Set(Start);
        var physician = await world.PractitionerAsync();
        var other = await world.PractitionerAsync();
        var stay = await world.StayAsync(Start.AddDays(-35), Start.AddDays(-5));
        await world.DeficiencyAsync(stay, physician.Id);
        await world.DeficiencyAsync(stay, physician.Id, "operative-report");
        await world.AgeAsync(clock);

        await using var admin = world.Database.Services();
        var doctor = await Personas.CreateAsync(admin, Roles.Physician, npi: physician.Npi);
        var stranger = await Personas.CreateAsync(admin, Roles.Physician, npi: other.Npi);
        var actor = new TestActor();
        actor.ActAs(doctor.Id, doctor.Email, Roles.Physician);
        await using var services = world.Database.Services(actor, clock);
        await using var scope = services.CreateAsyncScope();
        var list = (await scope.ServiceProvider.GetRequiredService<ListNoticesHandler>().HandleAsync(new ListNoticesQuery(), CancellationToken.None)).Value!;
        var delinquent = list.Unread.Single(n => n.Kind == NoticeKinds.Delinquent);
        delinquent.Deficiencies.ShouldBe(2);
        delinquent.HasLetter.ShouldBeTrue();

        var letter = await scope.ServiceProvider.GetRequiredService<GetNoticeLetterHandler>().HandleAsync(new GetNoticeLetterQuery(delinquent.Id), CancellationToken.None);
        letter.Error.ShouldBeNull();
        await Qpdf.CheckAsync(letter.Value!.Pdf);
        using (var pdf = PdfDocument.Open(letter.Value.Pdf))
        {
            var text = string.Join(" ", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
            text.ShouldContain(world.Mrn!);
            text.ShouldContain("Discharge");
            text.ShouldContain("Operative");
            text.ShouldContain("delinquent");
        }

        (await world.Database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{stay}' AND details LIKE 'completion.notice-letter%'")).ShouldBe(1);
        (await scope.ServiceProvider.GetRequiredService<MarkNoticeReadHandler>().HandleAsync(new MarkNoticeReadCommand(delinquent.Id), CancellationToken.None)).Error.ShouldBeNull();
        var after = (await scope.ServiceProvider.GetRequiredService<ListNoticesHandler>().HandleAsync(new ListNoticesQuery(), CancellationToken.None)).Value!;
        after.Unread.ShouldNotContain(n => n.Id == delinquent.Id);
        after.Read.ShouldContain(n => n.Id == delinquent.Id);

        // Another physician neither sees it nor gets its letter.
        actor.ActAs(stranger.Id, stranger.Email, Roles.Physician);
        await using var theirs = services.CreateAsyncScope();
        (await theirs.ServiceProvider.GetRequiredService<ListNoticesHandler>().HandleAsync(new ListNoticesQuery(), CancellationToken.None)).Value!.Unread.ShouldBeEmpty();
        (await theirs.ServiceProvider.GetRequiredService<GetNoticeLetterHandler>().HandleAsync(new GetNoticeLetterQuery(delinquent.Id), CancellationToken.None))
            .Error!.Kind.ShouldBe(HimPortal.Application.Common.ErrorKind.NotFound);
        (await theirs.ServiceProvider.GetRequiredService<MarkNoticeReadHandler>().HandleAsync(new MarkNoticeReadCommand(delinquent.Id), CancellationToken.None))
            .Error!.Kind.ShouldBe(HimPortal.Application.Common.ErrorKind.NotFound);
    }
}
