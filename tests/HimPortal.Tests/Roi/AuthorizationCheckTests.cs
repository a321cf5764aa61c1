using HimPortal.Application.Common;
using HimPortal.Application.Roi;
using HimPortal.Application.Roi.Authorizations;
using HimPortal.Application.Roi.Authorizations.CheckAuthorization;
using HimPortal.Data.Roi;
using HimPortal.Tests.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Roi;

/// <summary>
/// Issue 17 item 3: the authorization checked element by element (45 CFR 164.508(b)(2), (c)), HimPortal's own checks,
/// the deficiency letter, and the corrected authorization that supersedes the deficient one and unblocks the request.
/// </summary>
public sealed class AuthorizationCheckTests(RoiAuthorizationWorld world) : IClassFixture<RoiAuthorizationWorld>
{
    public static TheoryData<string> RequiredElements()
    {
        var data = new TheoryData<string>();
        foreach (var element in AuthorizationElements.All.Where(e => !e.MayNotApply))
        {
            data.Add(element.Code);
        }

        return data;
    }

    private async Task<Guid> ThirdPartyRequestAsync(Guid? patient = null) =>
        await ReleaseRequests.AddAsync(world.Database, patient ?? await world.PatientAsync(), RequesterTypes.AuthorizedThirdParty, RequestStatuses.Validating,
            requesterName: "Jones & Partners LLP");

    [Theory]
    [MemberData(nameof(RequiredElements))]
    public async Task Each_element_missing_in_turn_makes_the_authorization_deficient_and_is_listed_in_the_deficiency_letter(string code)
    {
        var requestId = await ThirdPartyRequestAsync();
        await world.RecordAsync(requestId);

        var outcome = (await world.CheckAsync(requestId, new Dictionary<string, ElementAnswer> { [code] = new(ElementStates.Missing, "not on the form") })).Value!;

        outcome.Status.ShouldBe(AuthorizationStatuses.Deficient);
        outcome.Failures.ShouldBe([code]);
        var request = await world.RequestAsync(requestId);
        request.Status.ShouldBe(RequestStatuses.WaitingForInformation);
        request.StatusReason!.ShouldContain(AuthorizationElements.For(code).Citation);
        var pdf = await world.LetterAsync(outcome.LetterId!.Value);
        var text = RoiAuthorizationWorld.Text(pdf);
        var element = AuthorizationElements.For(code);
        text.ShouldContain($"{element.Title} ({element.Citation}): not on the form");
        text.ShouldContain(request.Display);
        text.ShouldContain("Jones & Partners LLP");
        foreach (var other in AuthorizationElements.All.Where(e => e.Code != code))
        {
            text.ShouldNotContain($"{other.Title} ({other.Citation})");
        }

        await Qpdf.CheckAsync(pdf);
        (await world.DbAsync(db => db.RoiLetters.CountAsync(l => l.RequestId == requestId && l.Kind == LetterKinds.AuthorizationDeficiency))).ShouldBe(1);
    }

    [Fact]
    public async Task Not_applicable_is_refused_for_an_element_every_authorization_needs_and_accepted_for_a_representative_when_the_patient_signed()
    {
        var requestId = await ThirdPartyRequestAsync();
        await world.RecordAsync(requestId);

        var outcome = (await world.CheckAsync(requestId, new Dictionary<string, ElementAnswer>
        {
            [AuthorizationElements.Purpose] = new(ElementStates.NotApplicable, null),
        })).Value!;

        outcome.Failures.ShouldBe([AuthorizationElements.Purpose]);
    }

    [Fact]
    public async Task A_complete_authorization_checks_valid_moves_the_request_to_processing_and_clears_the_gate()
    {
        var requestId = await ThirdPartyRequestAsync();
        await world.RecordAsync(requestId);

        var outcome = (await world.CheckAsync(requestId)).Value!;

        outcome.Status.ShouldBe(AuthorizationStatuses.Valid);
        outcome.LetterId.ShouldBeNull();
        var request = await world.RequestAsync(requestId);
        request.Status.ShouldBe(RequestStatuses.Processing);
        (await BlockersAsync(request)).ShouldBeEmpty();
    }

    [Fact]
    public async Task HimPortal_finds_an_expired_authorization_one_signed_in_the_future_and_one_signed_after_death_without_a_representative()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var expired = await ThirdPartyRequestAsync();
        await world.RecordAsync(expired, change: f => f with { ExpiresOn = today.AddDays(-2), SignedOn = today.AddYears(-1) });
        var future = await ThirdPartyRequestAsync();
        await world.RecordAsync(future, change: f => f with { SignedOn = today.AddDays(5) });
        var noExpiry = await ThirdPartyRequestAsync();
        await world.RecordAsync(noExpiry, change: f => f with { ExpiresOn = null, ExpirationEvent = null });

        var deceased = await world.PatientAsync();
        await world.Database.ExecuteAsync(
            $"UPDATE clinical.patients SET deceased = true, deceased_at = now() - interval '10 days' WHERE id = '{deceased}'");
        var afterDeath = await ThirdPartyRequestAsync(deceased);
        await world.RecordAsync(afterDeath, change: f => f with { SignedOn = today.AddDays(-3) });
        var byExecutor = await ThirdPartyRequestAsync(deceased);
        await world.RecordAsync(byExecutor, change: f => f with
        {
            SignedOn = today.AddDays(-3), RepresentativeName = "Sam Executor", RepresentativeAuthority = "Executor of the estate (letters testamentary)",
        });

        (await world.CheckAsync(expired)).Value!.Failures.ShouldBe([AuthorizationElements.NotExpired]);
        (await world.CheckAsync(future)).Value!.Failures.ShouldBe([AuthorizationElements.Signature]);
        (await world.CheckAsync(noExpiry)).Value!.Failures.ShouldBe([AuthorizationElements.Expiration]);
        var dead = (await world.CheckAsync(afterDeath)).Value!;
        dead.Failures.ShouldBe([AuthorizationElements.Signature]);
        RoiAuthorizationWorld.Text(await world.LetterAsync(dead.LetterId!.Value)).ShouldContain("after the patient's death, and not signed by a personal representative");
        (await world.CheckAsync(byExecutor)).Value!.Status.ShouldBe(AuthorizationStatuses.Valid);

        // The specialist confirmed every element; HimPortal's own finding stands over it and says so.
        var request = await world.RequestAsync(expired);
        var findings = AuthorizationElements.Read((await world.AuthorizationAsync(request.AuthorizationId!.Value)).Elements);
        findings[AuthorizationElements.NotExpired].State.ShouldBe(ElementStates.Missing);
        findings[AuthorizationElements.NotExpired].Note!.ShouldStartWith("HimPortal: It expired on");
    }

    [Fact]
    public async Task A_corrected_authorization_supersedes_the_deficient_one_and_once_valid_unblocks_the_request()
    {
        var requestId = await ThirdPartyRequestAsync();
        var first = await world.RecordAsync(requestId);
        (await world.CheckAsync(requestId, new Dictionary<string, ElementAnswer> { [AuthorizationElements.RedisclosureStatement] = new(ElementStates.Missing, null) }))
            .Value!.Status.ShouldBe(AuthorizationStatuses.Deficient);
        (await BlockersAsync(await world.RequestAsync(requestId))).ShouldContain(b => b.Contains("deficient", StringComparison.Ordinal));

        var corrected = await world.RecordAsync(requestId, supersedes: first);

        (await world.AuthorizationAsync(first)).Status.ShouldBe(AuthorizationStatuses.Superseded);
        var second = await world.AuthorizationAsync(corrected);
        second.SupersedesId.ShouldBe(first);
        (await world.RequestAsync(requestId)).AuthorizationId.ShouldBe(corrected);
        (await world.CheckAsync(requestId)).Value!.Status.ShouldBe(AuthorizationStatuses.Valid);
        var request = await world.RequestAsync(requestId);
        request.Status.ShouldBe(RequestStatuses.Processing);
        (await BlockersAsync(request)).ShouldBeEmpty();
        var timeline = await world.DbAsync(db => db.RequestEvents.Where(e => e.RequestId == requestId).OrderBy(e => e.Id).Select(e => e.Kind + ":" + e.Note).ToListAsync());
        timeline.ShouldContain(e => e.StartsWith("authorization-recorded:Corrected authorization recorded", StringComparison.Ordinal));
        timeline.Last().ShouldContain("A valid authorization is on file");

        // A superseded authorization cannot be corrected again, nor a valid one.
        var again = await world.RunAsync<HimPortal.Application.Roi.Authorizations.RecordAuthorization.RecordAuthorizationHandler, Result<Guid>>(h =>
            h.HandleAsync(RoiAuthorizationWorld.Form(requestId, request.Version, first), CancellationToken.None));
        again.Error!.Kind.ShouldBe(ErrorKind.Conflict);
    }

    private async Task<IReadOnlyList<string>> BlockersAsync(ReleaseRequest request)
    {
        await using var scope = world.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReleaseGate>().BlockersAsync(request, CancellationToken.None);
    }
}
