using HimPortal.Application.Common;
using HimPortal.Application.Roi;
using HimPortal.Application.Roi.ExtendRequest;
using HimPortal.Application.Roi.GetLetter;
using HimPortal.Application.Roi.LogRequest;
using HimPortal.Application.Roi.SaveStateRule;
using HimPortal.Data;
using HimPortal.Data.Roi;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Roi;

/// <summary>
/// The request clock (issue 17 item 2): 30 calendar days after receipt, due at the end of the 30th day in hospital time;
/// one extension with a notice before the first deadline (refused on day 31); a state's shorter clock (calendar and
/// business days); third parties on the state's rule or the policy; legal process on the return date.
/// </summary>
public sealed class RequestClockTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private async Task<(RoiWorld World, Guid PatientId)> WorldAsync()
    {
        var world = new RoiWorld(database);
        return (world, await CandidatePairs.PatientAsync(database, "Clock", "Patient" + Guid.NewGuid().ToString("N")[..6]));
    }

    private static async Task<LoggedRequest> LogAsync(RoiWorld world, Guid patientId, RequestFields fields)
    {
        var result = await world.RunAsync<LogRequestHandler, Result<LoggedRequest>>(h => h.HandleAsync(new LogRequestCommand(patientId, fields), CancellationToken.None));
        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        return result.Value!;
    }

    private async Task<ReleaseRequest> ReadAsync(Guid id)
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HimDbContext>().ReleaseRequests.AsNoTracking().SingleAsync(r => r.Id == id);
    }

    private static Task<Result<ExtensionNotice>> ExtendAsync(RoiWorld world, ReleaseRequest request, string reasons = "The records are archived off site and must be retrieved.") =>
        world.RunAsync<ExtendRequestHandler, Result<ExtensionNotice>>(h => h.HandleAsync(new ExtendRequestCommand(request.Id, reasons, request.Version), CancellationToken.None));

    [Fact]
    public async Task The_individuals_request_is_due_at_the_end_of_the_30th_day_in_hospital_time()
    {
        var (world, patient) = await WorldAsync();
        var received = RoiWorld.At(2026, 3, 2, 23.5); // 23:30 on 2 March in New York: the day of receipt is not day 1
        world.Clock.Set(received.AddHours(1));
        var logged = await LogAsync(world, patient, RoiWorld.Fields(receivedAt: received));
        var request = await ReadAsync(logged.Id);
        request.DueDay.ShouldBe(new DateOnly(2026, 4, 1));
        request.DueAt.ShouldBe(RoiWorld.At(2026, 4, 2));
        request.ClockRule.ShouldBe(RequestClock.RightOfAccessRule);
        request.ClockCitation!.ShouldContain("45 CFR 164.524(b)(2)");

        await using var services = world.Services();
        await using var scope = services.CreateAsyncScope();
        var clock = scope.ServiceProvider.GetRequiredService<RequestClock>();
        clock.StatusAt(request.DueDay!.Value, request.DueAt!.Value, RoiWorld.At(2026, 4, 1, 23.99)).Overdue.ShouldBeFalse();
        clock.StatusAt(request.DueDay!.Value, request.DueAt!.Value, RoiWorld.At(2026, 4, 2)).Overdue.ShouldBeTrue();
    }

    [Fact]
    public async Task An_extension_on_day_30_moves_the_date_by_30_days_with_a_notice_letter_and_a_second_is_refused()
    {
        var (world, patient) = await WorldAsync();
        var received = RoiWorld.At(2026, 5, 4, 10);
        world.Clock.Set(received);
        var logged = await LogAsync(world, patient, RoiWorld.Fields(receivedAt: received));
        world.Clock.Set(RoiWorld.At(2026, 6, 3, 23.9)); // the last hour of day 30
        var extended = await ExtendAsync(world, await ReadAsync(logged.Id));
        extended.IsSuccess.ShouldBeTrue(extended.Error?.Message);
        extended.Value!.NewDueDay.ShouldBe(new DateOnly(2026, 7, 3));

        var request = await ReadAsync(logged.Id);
        request.DueDay.ShouldBe(new DateOnly(2026, 7, 3));
        request.ExtensionNoticeAt.ShouldNotBeNull();
        request.ClockCitation!.ShouldContain("extended once");

        var letter = await world.RunAsync<GetLetterHandler, Result<LetterFile>>(h => h.HandleAsync(new GetLetterQuery(logged.Id, extended.Value.LetterId), CancellationToken.None));
        letter.IsSuccess.ShouldBeTrue(letter.Error?.Message);
        await Qpdf.CheckAsync(letter.Value!.Pdf);
        using (var pdf = PdfDocument.Open(letter.Value.Pdf))
        {
            var text = string.Join(" ", pdf.GetPages().Select(p => p.Text));
            text.ShouldContain("July 3, 2026");
            text.ShouldContain("archived off site");
            text.ShouldContain(logged.Display);
        }

        (await database.ScalarAsync<long>($"SELECT count(*) FROM roi.letters WHERE request_id = '{logged.Id}' AND kind = 'extension-notice'")).ShouldBe(1);
        (await database.ScalarAsync<long>($"SELECT count(*) FROM roi.request_events WHERE request_id = '{logged.Id}' AND kind = 'extension'")).ShouldBe(1);

        var again = await ExtendAsync(world, request);
        again.Error!.Kind.ShouldBe(ErrorKind.Conflict);
        again.Error.Message.ShouldContain("164.524(b)(2)");
    }

    [Fact]
    public async Task An_extension_notice_on_day_31_is_refused_with_the_rule_and_changes_nothing()
    {
        var (world, patient) = await WorldAsync();
        var received = RoiWorld.At(2026, 5, 4, 10);
        world.Clock.Set(received);
        var logged = await LogAsync(world, patient, RoiWorld.Fields(receivedAt: received));
        world.Clock.Set(RoiWorld.At(2026, 6, 4, 0.1)); // day 31
        var before = await ReadAsync(logged.Id);
        var refused = await ExtendAsync(world, before);
        refused.Error!.Kind.ShouldBe(ErrorKind.Conflict);
        refused.Error.Message.ShouldContain("45 CFR 164.524(b)(2)(ii)");
        refused.Error.Message.ShouldContain("2026-06-03");
        var after = await ReadAsync(logged.Id);
        after.DueDay.ShouldBe(before.DueDay);
        after.ExtensionNoticeAt.ShouldBeNull();
        (await database.ScalarAsync<long>($"SELECT count(*) FROM roi.letters WHERE request_id = '{logged.Id}'")).ShouldBe(0);
    }

    [Fact]
    public async Task A_third_party_request_has_no_extension()
    {
        var (world, patient) = await WorldAsync();
        world.Clock.Set(RoiWorld.At(2026, 5, 4, 10));
        var logged = await LogAsync(world, patient, RoiWorld.Fields(RequesterTypes.Attorney, RoiWorld.At(2026, 5, 4, 9)));
        var refused = await ExtendAsync(world, await ReadAsync(logged.Id));
        refused.Error!.Message.ShouldContain("Only the individual's own requests");
    }

    [Fact]
    public async Task A_states_shorter_clock_governs_in_calendar_or_business_days_and_third_parties_follow_the_state_or_the_policy()
    {
        var (world, patient) = await WorldAsync();
        var manager = new RoiWorld(database, HimPortal.Application.Access.Roles.HimManager);
        (await manager.RunAsync<SaveStateRuleHandler, Result<uint>>(h => h.HandleAsync(new SaveStateRuleCommand("ZA", "Example State", 15, false, 20,
            "Example Code 1-2-3", [], null, 0, 0, null, true, null), CancellationToken.None))).IsSuccess.ShouldBeTrue();
        (await manager.RunAsync<SaveStateRuleHandler, Result<uint>>(h => h.HandleAsync(new SaveStateRuleCommand("ZB", "Business State", 10, true, null,
            "Example Code 4-5-6", [], null, 0, 0, null, true, null), CancellationToken.None))).IsSuccess.ShouldBeTrue();

        var received = RoiWorld.At(2026, 6, 5, 11); // Friday 5 June 2026
        world.Clock.Set(received.AddHours(2));
        var calendar = await ReadAsync((await LogAsync(world, patient, RoiWorld.Fields(receivedAt: received, state: "ZA"))).Id);
        calendar.DueDay.ShouldBe(new DateOnly(2026, 6, 20));
        calendar.ClockRule.ShouldBe("StateRule:ZA");
        calendar.ClockCitation!.ShouldContain("Example Code 1-2-3");

        // 10 business days from Friday 5 June: 8..12, 15..18 (19 June, Juneteenth, is a federal holiday), 22 June.
        var business = await ReadAsync((await LogAsync(world, patient, RoiWorld.Fields(receivedAt: received, state: "ZB"))).Id);
        business.DueDay.ShouldBe(new DateOnly(2026, 6, 22));
        business.ClockCitation!.ShouldContain("business days");

        // A state shorter clock leaves no HIPAA extension (45 CFR 160.203(b)).
        (await ExtendAsync(world, calendar)).Error!.Message.ShouldContain("160.203(b)");

        var thirdParty = await ReadAsync((await LogAsync(world, patient, RoiWorld.Fields(RequesterTypes.Insurer, received, state: "ZA"))).Id);
        thirdParty.DueDay.ShouldBe(new DateOnly(2026, 6, 25));
        thirdParty.ClockRule.ShouldBe("StateRule:ZA");
        var policy = await ReadAsync((await LogAsync(world, patient, RoiWorld.Fields(RequesterTypes.Insurer, received, state: "MA"))).Id);
        policy.ClockRule.ShouldBe(RequestClock.PolicyRule);
        policy.DueDay.ShouldBe(new DateOnly(2026, 7, 5));
        policy.ClockCitation!.ShouldContain("Hospital policy");
    }

    public static TheoryData<string> Types() => [.. RequesterTypes.All];

    [Theory]
    [MemberData(nameof(Types))]
    public async Task Each_requester_type_can_be_logged_and_gets_its_clock(string type)
    {
        var (world, patient) = await WorldAsync();
        var received = RoiWorld.At(2026, 8, 3, 9);
        world.Clock.Set(received.AddHours(1));
        var rule = RequesterRules.For(type);
        var returnDate = rule.LegalProcess ? new DateOnly(2026, 8, 20) : (DateOnly?)null;
        var fields = RoiWorld.Fields(type, received, returnDate: returnDate) with
        {
            SatisfactoryAssurances = type == RequesterTypes.Subpoena ? "Qualified protective order attached" : null,
            RepresentativeAuthorityChecked = type == RequesterTypes.PersonalRepresentative,
        };
        var logged = await LogAsync(world, patient, fields);
        var request = await ReadAsync(logged.Id);
        request.RequesterType.ShouldBe(type);
        request.Status.ShouldBe(RequestStatuses.Received);
        request.ClockRule.ShouldBe(rule.Clock switch
        {
            ClockKind.RightOfAccess => RequestClock.RightOfAccessRule,
            ClockKind.ReturnDate => RequestClock.ReturnDateRule,
            _ => RequestClock.PolicyRule,
        });
        if (rule.LegalProcess)
        {
            request.DueDay.ShouldBe(returnDate);
            request.ClockCitation!.ShouldContain("return date");
        }

        (await database.ScalarAsync<long>($"SELECT count(*) FROM roi.request_events WHERE request_id = '{logged.Id}' AND kind = 'logged'")).ShouldBe(1);
        (await database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE resource_type = 'ReleaseRequest' AND resource_id = '{logged.Id:D}' AND action = 'create' AND patient_id = '{patient}'")).ShouldBe(1);
    }
}
