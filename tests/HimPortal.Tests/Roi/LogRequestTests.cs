using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.EditRequest;
using HimPortal.Application.Roi.GetRequest;
using HimPortal.Application.Roi.LogRequest;
using HimPortal.Application.Roi.MoveRequest;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;

namespace HimPortal.Tests.Roi;

/// <summary>Logging, editing and moving a request (issue 17 item 1): refusals change nothing; edits are concurrent-safe and recompute the clock; moves write the timeline.</summary>
public sealed class LogRequestTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static Task<Result<LoggedRequest>> LogAsync(RoiWorld world, Guid patientId, RequestFields fields) =>
        world.RunAsync<LogRequestHandler, Result<LoggedRequest>>(h => h.HandleAsync(new LogRequestCommand(patientId, fields), CancellationToken.None));

    private static async Task<RequestView> GetAsync(RoiWorld world, Guid id) =>
        (await world.RunAsync<GetRequestHandler, Result<RequestView>>(h => h.HandleAsync(new GetRequestQuery(id), CancellationToken.None))).Value!;

    public static TheoryData<string> Refusals() =>
    [
        "unencrypted-email-third-party", "unencrypted-email-unwarned", "future", "specific-empty", "part2-subpoena", "return-date-patient", "no-name",
        "mail-no-address", "bad-state", "no-patient", "assurances-on-order", "foreign-encounter",
    ];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Bad_input_is_refused_with_a_message_and_nothing_is_saved(string refusal)
    {
        var world = new RoiWorld(database);
        var patient = await CandidatePairs.PatientAsync(database, "Refused", "Patient");
        var fields = RoiWorld.Fields();
        var patientId = patient;
        fields = refusal switch
        {
            "unencrypted-email-third-party" => RoiWorld.Fields(RequesterTypes.Attorney, delivery: DeliveryMethods.UnencryptedEmail) with { UnencryptedEmailWarningConfirmed = true },
            "unencrypted-email-unwarned" => RoiWorld.Fields(delivery: DeliveryMethods.UnencryptedEmail),
            "future" => fields with { ReceivedAt = DateTimeOffset.UtcNow.AddDays(2) },
            "specific-empty" => fields with { ScopeKind = ScopeKinds.Specific },
            "part2-subpoena" => RoiWorld.Fields(RequesterTypes.Subpoena) with { Part2CourtOrder = true },
            "return-date-patient" => fields with { ReturnDate = new DateOnly(2026, 1, 1) },
            "no-name" => fields with { RequesterName = "" },
            "mail-no-address" => fields with { Delivery = DeliveryMethods.Mail, RequesterAddress = null },
            "bad-state" => fields with { StateCode = "QQ" },
            "assurances-on-order" => RoiWorld.Fields(RequesterTypes.CourtOrder) with { SatisfactoryAssurances = "x" },
            "foreign-encounter" => fields with { ScopeKind = ScopeKinds.Specific, ScopeEncounterIds = [Guid.NewGuid()] },
            _ => fields,
        };
        if (refusal == "no-patient")
        {
            patientId = Guid.NewGuid();
        }

        var before = await database.ScalarAsync<long>("SELECT count(*) FROM roi.requests");
        var events = await database.ScalarAsync<long>("SELECT count(*) FROM roi.request_events");
        var result = await LogAsync(world, patientId, fields);
        result.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        result.Error.Message.ShouldNotBeNullOrWhiteSpace();
        (await database.ScalarAsync<long>("SELECT count(*) FROM roi.requests")).ShouldBe(before);
        (await database.ScalarAsync<long>("SELECT count(*) FROM roi.request_events")).ShouldBe(events);
    }

    [Fact]
    public async Task Unencrypted_email_for_the_individual_after_the_warning_is_recorded_with_when_they_were_warned()
    {
        var world = new RoiWorld(database);
        var patient = await CandidatePairs.PatientAsync(database, "Email", "Patient");
        var result = await LogAsync(world, patient, RoiWorld.Fields(delivery: DeliveryMethods.UnencryptedEmail) with { UnencryptedEmailWarningConfirmed = true });
        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        (await GetAsync(world, result.Value!.Id)).Request.UnencryptedEmailWarnedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task An_edit_with_the_version_seen_recomputes_the_clock_and_a_stale_one_is_refused()
    {
        var world = new RoiWorld(database);
        var patient = await CandidatePairs.PatientAsync(database, "Edit", "Patient");
        var received = RoiWorld.At(2026, 2, 2, 10);
        world.Clock.Set(received.AddHours(1));
        var logged = (await LogAsync(world, patient, RoiWorld.Fields(receivedAt: received))).Value!;
        var view = await GetAsync(world, logged.Id);
        view.Request.DueDay.ShouldBe(new DateOnly(2026, 3, 4));

        var edited = await world.RunAsync<EditRequestHandler, Result<uint>>(h => h.HandleAsync(
            new EditRequestCommand(logged.Id, RoiWorld.Fields(RequesterTypes.CourtOrder, received, returnDate: new DateOnly(2026, 2, 20)), view.Request.Version), CancellationToken.None));
        edited.IsSuccess.ShouldBeTrue(edited.Error?.Message);
        var after = await GetAsync(world, logged.Id);
        after.Request.DueDay.ShouldBe(new DateOnly(2026, 2, 20));
        after.Request.ClockRule.ShouldBe("ReturnDate");
        after.Timeline.ShouldContain(e => e.Kind == "edited" && e.Note.Contains("2026-02-20"));

        var stale = await world.RunAsync<EditRequestHandler, Result<uint>>(h => h.HandleAsync(
            new EditRequestCommand(logged.Id, RoiWorld.Fields(receivedAt: received), view.Request.Version), CancellationToken.None));
        stale.Error!.Kind.ShouldBe(ErrorKind.Conflict);
        (await GetAsync(world, logged.Id)).Request.RequesterType.ShouldBe(RequesterTypes.CourtOrder);
    }

    [Fact]
    public async Task Moves_go_through_the_timeline_waiting_needs_a_reason_and_a_withdrawn_request_stays_closed()
    {
        var world = new RoiWorld(database);
        var patient = await CandidatePairs.PatientAsync(database, "Move", "Patient");
        var logged = (await LogAsync(world, patient, RoiWorld.Fields())).Value!;
        var version = (await GetAsync(world, logged.Id)).Request.Version;

        Task<Result<uint>> Move(string to, string? reason, uint v) =>
            world.RunAsync<MoveRequestHandler, Result<uint>>(h => h.HandleAsync(new MoveRequestCommand(logged.Id, to, reason, v), CancellationToken.None));

        version = (await Move(RequestStatuses.Validating, null, version)).Value;
        (await Move(RequestStatuses.WaitingForInformation, null, version)).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        version = (await Move(RequestStatuses.WaitingForInformation, "proof of identity", version)).Value;
        (await Move(RequestStatuses.Ready, null, version)).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        version = (await Move(RequestStatuses.Processing, null, version)).Value;
        version = (await Move(RequestStatuses.Withdrawn, "the patient no longer needs it", version)).Value;
        (await Move(RequestStatuses.Processing, null, version)).Error!.Kind.ShouldBe(ErrorKind.Conflict);

        var view = await GetAsync(world, logged.Id);
        view.Request.Status.ShouldBe(RequestStatuses.Withdrawn);
        view.Request.ClosedAt.ShouldNotBeNull();
        view.Timeline.Select(e => e.ToStatus).ShouldBe([null, RequestStatuses.Validating, RequestStatuses.WaitingForInformation, RequestStatuses.Processing, RequestStatuses.Withdrawn]);
        view.Timeline.ShouldContain(e => e.Note.Contains("the clock keeps running"));
    }

    [Fact]
    public async Task Only_the_roi_specialist_logs_requests()
    {
        var patient = await CandidatePairs.PatientAsync(database, "Denied", "Patient");
        foreach (var role in new[] { Roles.HimManager, Roles.HimClerk, Roles.Physician, Roles.Patient })
        {
            var result = await LogAsync(new RoiWorld(database, role), patient, RoiWorld.Fields());
            result.Error!.Kind.ShouldBe(ErrorKind.Forbidden, role);
        }
    }
}
