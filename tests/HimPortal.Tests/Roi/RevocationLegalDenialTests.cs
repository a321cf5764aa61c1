using HimPortal.Application.Common;
using HimPortal.Application.Roi;
using HimPortal.Application.Roi.Authorizations;
using HimPortal.Application.Roi.Authorizations.BuildEvidencePack;
using HimPortal.Application.Roi.Authorizations.CheckAuthorization;
using HimPortal.Application.Roi.Authorizations.DenyRequest;
using HimPortal.Application.Roi.Authorizations.RecordLegalProcess;
using HimPortal.Application.Roi.Authorizations.RevokeAuthorization;
using HimPortal.Data.Roi;
using HimPortal.Tests.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Roi;

/// <summary>
/// Issue 17 items 1, 3 and 8: a revocation stops every pending release under the authorization but not what was released
/// (45 CFR 164.508(b)(5)); legal process gating (164.512(e), 42 CFR 2.64); what sensitive information a release may
/// include; denial letters (164.524(a), (d)); the evidence pack.
/// </summary>
public sealed class RevocationLegalDenialTests(RoiAuthorizationWorld world) : IClassFixture<RoiAuthorizationWorld>
{
    private const string Contact = "Privacy Officer, 1 Hospital Way, Boston, MA 02110, 617-555-0100";

    private async Task<Guid> ValidAuthorizationAsync(Guid patientId, Action<Authorization>? change = null)
    {
        var id = Guid.CreateVersion7();
        await world.DbAsync(async db =>
        {
            var authorization = new Authorization
            {
                Id = id, PatientId = patientId, Description = "all records", Discloser = "the hospital", Recipient = "Insurer Inc.", Purpose = "claim",
                ExpiresOn = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1), SignedOn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3),
                Status = AuthorizationStatuses.Valid, CreatedAt = DateTimeOffset.UtcNow,
            };
            change?.Invoke(authorization);
            db.Authorizations.Add(authorization);
            return await db.SaveChangesAsync();
        });
        return id;
    }

    private async Task<Guid> PacketAsync(Guid requestId, string status)
    {
        var id = Guid.CreateVersion7();
        await world.DbAsync(db =>
        {
            db.Packets.Add(new Packet { Id = id, RequestId = requestId, Status = status, Format = ReleaseFormats.Pdf, QueuedAt = DateTimeOffset.UtcNow });
            return db.SaveChangesAsync();
        });
        return id;
    }

    private async Task<IReadOnlyList<string>> BlockersAsync(Guid requestId)
    {
        var request = await world.RequestAsync(requestId);
        await using var scope = world.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReleaseGate>().BlockersAsync(request, CancellationToken.None);
    }

    private async Task<SensitiveCoverage> CoverageAsync(Guid requestId)
    {
        var request = await world.RequestAsync(requestId);
        return await world.DbAsync(db => SensitiveCoverage.ForRequestAsync(db, request, CancellationToken.None));
    }

    [Fact]
    public async Task A_revocation_stops_every_pending_request_under_it_and_discards_their_unreleased_packets_but_not_released_ones()
    {
        var patient = await world.PatientAsync();
        var authorization = await ValidAuthorizationAsync(patient);
        var processing = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.Insurer, RequestStatuses.Processing, authorizationId: authorization);
        var ready = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.Insurer, RequestStatuses.Ready, authorizationId: authorization);
        var delivered = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.Insurer, RequestStatuses.Delivered, authorizationId: authorization);
        var other = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.Insurer, RequestStatuses.Processing,
            authorizationId: await ValidAuthorizationAsync(patient));
        var building = await PacketAsync(processing, PacketStatuses.Built);
        var checkedPacket = await PacketAsync(ready, PacketStatuses.Checked);
        var released = await PacketAsync(delivered, PacketStatuses.Released);
        (await BlockersAsync(ready)).ShouldBeEmpty();
        var version = (await world.AuthorizationAsync(authorization)).Version;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        var outcome = (await world.RunAsync<RevokeAuthorizationHandler, Result<RevocationOutcome>>(h => h.HandleAsync(
            new RevokeAuthorizationCommand(ready, authorization, version, today, "letter from the patient, by mail", null), CancellationToken.None))).Value!;

        outcome.StoppedRequests.ShouldBe([processing, ready], ignoreOrder: true);
        outcome.DiscardedPackets.ShouldBe(2);
        (await world.AuthorizationAsync(authorization)).Status.ShouldBe(AuthorizationStatuses.Revoked);
        foreach (var stopped in new[] { processing, ready })
        {
            var request = await world.RequestAsync(stopped);
            request.Status.ShouldBe(RequestStatuses.WaitingForInformation);
            request.StatusReason.ShouldBe($"authorization revoked on {today:yyyy-MM-dd} (45 CFR 164.508(b)(5))");
            (await BlockersAsync(stopped)).ShouldContain(b => b.Contains("revoked", StringComparison.Ordinal));
        }

        var packets = await world.DbAsync(db => db.Packets.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Status));
        packets[building].ShouldBe(PacketStatuses.Discarded);
        packets[checkedPacket].ShouldBe(PacketStatuses.Discarded);
        packets[released].ShouldBe(PacketStatuses.Released);
        (await world.RequestAsync(delivered)).Status.ShouldBe(RequestStatuses.Delivered);
        (await world.RequestAsync(other)).Status.ShouldBe(RequestStatuses.Processing);
        (await world.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE resource_type = 'ReleaseRequest' AND resource_id IN ('{processing}', '{ready}') AND details LIKE '%revoked%'")).ShouldBe(2);
    }

    [Fact]
    public async Task A_subpoena_is_blocked_without_assurances_and_while_a_motion_to_quash_is_pending_and_never_carries_a_Part_2_order()
    {
        var patient = await world.PatientAsync();
        var subpoena = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.Subpoena, RequestStatuses.Processing);
        (await BlockersAsync(subpoena)).ShouldContain(b => b.Contains("satisfactory assurances", StringComparison.Ordinal));

        async Task<Result<bool>> LegalAsync(Guid id, bool quash, string? assurance, bool part2 = false, IReadOnlyList<string>? labels = null)
        {
            var version = (await world.RequestAsync(id)).Version;
            return await world.RunAsync<RecordLegalProcessHandler, Result<bool>>(h => h.HandleAsync(new RecordLegalProcessCommand(id, version,
                DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20), true, quash ? "Motion to quash filed by the patient's counsel" : null, quash, assurance,
                assurance is null ? null : "Counsel's statement with the notice sent to the patient; objection period passed", part2, labels ?? [], null, null), CancellationToken.None));
        }

        (await LegalAsync(subpoena, quash: true, AssuranceKinds.NoticeToIndividual)).Error.ShouldBeNull();
        var blockers = await BlockersAsync(subpoena);
        blockers.ShouldContain(b => b.Contains("motion to quash", StringComparison.Ordinal));
        blockers.ShouldNotContain(b => b.Contains("satisfactory assurances", StringComparison.Ordinal));
        (await LegalAsync(subpoena, quash: false, AssuranceKinds.NoticeToIndividual)).Error.ShouldBeNull();
        (await BlockersAsync(subpoena)).ShouldBeEmpty();
        (await world.RequestAsync(subpoena)).ReturnDate.ShouldNotBeNull();

        var part2 = await LegalAsync(subpoena, quash: false, AssuranceKinds.NoticeToIndividual, part2: true);
        part2.Error!.Message.ShouldContain("A subpoena alone never releases Part 2 records");
        (await CoverageAsync(subpoena)).Covers(SensitiveCoverage.Part2Label).ShouldBeFalse();

        var order = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.CourtOrder, RequestStatuses.Processing);
        (await CoverageAsync(order)).Covers(SensitiveCoverage.Part2Label).ShouldBeFalse();
        (await LegalAsync(order, quash: false, AssuranceKinds.NoticeToIndividual)).Error!.Field.ShouldBe("AssuranceKind");
        (await LegalAsync(order, quash: false, null, part2: true, labels: ["HIV"])).Error.ShouldBeNull();
        var coverage = await CoverageAsync(order);
        coverage.Covers(SensitiveCoverage.Part2Label).ShouldBeTrue();
        coverage.Covers("HIV").ShouldBeTrue();
        coverage.Covers("GDIS").ShouldBeFalse();
        coverage.Covers(SensitiveCoverage.PsychotherapyLabel).ShouldBeFalse();
    }

    [Fact]
    public async Task Part_2_records_need_a_consent_and_psychotherapy_notes_are_never_part_of_the_individuals_access()
    {
        var patient = await world.PatientAsync();
        var plain = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.AuthorizedThirdParty, RequestStatuses.Processing,
            authorizationId: await ValidAuthorizationAsync(patient, a => a.CoversLabels = ["HIV"]));
        var consent = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.AuthorizedThirdParty, RequestStatuses.Processing,
            authorizationId: await ValidAuthorizationAsync(patient, a => { a.CoversPart2 = true; a.CoversPsychotherapyNotes = true; }));
        var own = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.Patient, RequestStatuses.Processing,
            authorizationId: await ValidAuthorizationAsync(patient, a => a.CoversPsychotherapyNotes = true));
        var unchecked_ = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.AuthorizedThirdParty, RequestStatuses.Processing,
            authorizationId: await ValidAuthorizationAsync(patient, a => { a.CoversPart2 = true; a.Status = AuthorizationStatuses.Unchecked; }));

        var byPlain = await CoverageAsync(plain);
        byPlain.Covers(SensitiveCoverage.Part2Label).ShouldBeFalse();
        byPlain.Refusal(SensitiveCoverage.Part2Label)!.ShouldContain("42 CFR 2.31");
        byPlain.Covers("HIV").ShouldBeTrue();
        byPlain.Covers("BH").ShouldBeFalse();
        byPlain.Covers(SensitiveCoverage.PsychotherapyLabel).ShouldBeFalse();
        var byConsent = await CoverageAsync(consent);
        byConsent.Covers(SensitiveCoverage.Part2Label).ShouldBeTrue();
        byConsent.Covers(SensitiveCoverage.PsychotherapyLabel).ShouldBeTrue();
        byConsent.SudCounselingNotes.ShouldBeFalse();
        var byPatient = await CoverageAsync(own);
        byPatient.Covers(SensitiveCoverage.PsychotherapyLabel).ShouldBeFalse();
        byPatient.Refusal(SensitiveCoverage.PsychotherapyLabel)!.ShouldContain("164.524(a)(1)(i)");
        byPatient.Covers("HIV").ShouldBeTrue();
        (await CoverageAsync(unchecked_)).Covers(SensitiveCoverage.Part2Label).ShouldBeFalse();

        Part2Notice.Text.ShouldContain("42 CFR part 2");
        Part2Notice.ConsentExplanation(await world.AuthorizationAsync((await world.RequestAsync(consent)).AuthorizationId!.Value)).ShouldContain("42 CFR 2.31");
    }

    [Fact]
    public async Task A_denial_on_reviewable_grounds_offers_a_review_and_on_unreviewable_grounds_says_there_is_none_both_with_the_complaint_routes()
    {
        var patient = await world.PatientAsync();
        var reviewable = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.Patient, RequestStatuses.Processing);
        var unreviewable = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.Patient, RequestStatuses.Processing);
        var third = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.Attorney, RequestStatuses.WaitingForInformation);

        async Task<Result<DenialOutcome>> DenyAsync(Guid id, IReadOnlyList<string> grounds, string? partial = null)
        {
            var version = (await world.RequestAsync(id)).Version;
            return await world.RunAsync<DenyRequestHandler, Result<DenialOutcome>>(h =>
                h.HandleAsync(new DenyRequestCommand(id, version, grounds, null, partial, Contact), CancellationToken.None));
        }

        (await DenyAsync(third, ["endangerment"])).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await DenyAsync(reviewable, ["invalid-authorization"])).Error!.Kind.ShouldBe(ErrorKind.Invalid);

        var first = (await DenyAsync(reviewable, ["other-person"], partial: "the rest of your record, without the pages about another person")).Value!;
        first.Reviewable.ShouldBeTrue();
        var text = RoiAuthorizationWorld.Text(await world.LetterAsync(first.LetterId));
        text.ShouldContain("denying part of it");
        text.ShouldContain("45 CFR 164.524(a)(3)(ii)");
        text.ShouldContain("Your right to a review");
        text.ShouldContain("licensed health care professional chosen by the hospital who did not take part in the original decision");
        text.ShouldContain("You still have the right to the rest of the information");
        text.ShouldContain(Contact);
        text.ShouldContain("Office for Civil Rights");
        await Qpdf.CheckAsync(await world.LetterAsync(first.LetterId));

        var second = (await DenyAsync(unreviewable, ["psychotherapy-notes", "legal-proceedings"])).Value!;
        second.Reviewable.ShouldBeFalse();
        var plain = RoiAuthorizationWorld.Text(await world.LetterAsync(second.LetterId));
        plain.ShouldContain("We are denying it");
        plain.ShouldContain("This denial is not subject to review");
        plain.ShouldNotContain("Your right to a review");
        plain.ShouldContain("Secretary of the U.S. Department of Health and Human Services");

        var thirdParty = (await DenyAsync(third, ["invalid-authorization"])).Value!;
        RoiAuthorizationWorld.Text(await world.LetterAsync(thirdParty.LetterId)).ShouldNotContain("not subject to review");
        var denied = await world.RequestAsync(unreviewable);
        denied.Status.ShouldBe(RequestStatuses.Denied);
        denied.StatusReason!.ShouldContain("Psychotherapy notes (45 CFR 164.524(a)(1)(i))");
        (await DenyAsync(unreviewable, ["legal-proceedings"])).Error!.Kind.ShouldBe(ErrorKind.Conflict);
    }

    [Fact]
    public async Task The_evidence_pack_holds_the_request_its_timeline_its_letters_the_check_and_who_handled_it_and_passes_qpdf()
    {
        var patient = await world.PatientAsync();
        var requestId = await ReleaseRequests.AddAsync(world.Database, patient, RequesterTypes.AuthorizedThirdParty, RequestStatuses.Validating,
            requesterName: "Evidence Requester LLC");
        await world.RecordAsync(requestId);
        var deficient = (await world.CheckAsync(requestId, new Dictionary<string, ElementAnswer> { [AuthorizationElements.Purpose] = new(ElementStates.Missing, "purpose left blank") })).Value!;
        var version = (await world.RequestAsync(requestId)).Version;
        var denial = (await world.RunAsync<DenyRequestHandler, Result<DenialOutcome>>(h => h.HandleAsync(
            new DenyRequestCommand(requestId, version, ["invalid-authorization"], "No corrected authorization came within 60 days.", null, Contact), CancellationToken.None))).Value!;

        var pack = (await world.RunAsync<BuildEvidencePackHandler, Result<EvidencePack>>(h => h.HandleAsync(new BuildEvidencePackCommand(requestId), CancellationToken.None))).Value!;

        await Qpdf.CheckAsync(pack.Pdf);
        var text = RoiAuthorizationWorld.Text(pack.Pdf);
        var request = await world.RequestAsync(requestId);
        text.ShouldContain($"Evidence pack: {request.Display}");
        text.ShouldContain("Evidence Requester LLC");
        text.ShouldContain("authorization-recorded: Authorization recorded from the form");
        text.ShouldContain("waiting-for-information -> denied");
        text.ShouldContain("45 CFR 164.508(c)(1)(iv) A description of each purpose of the disclosure: missing (purpose left blank)");
        text.ShouldContain($"{world.Specialist.Email} (RoiSpecialist): create success; authorization");
        text.ShouldContain("Your authorization is incomplete");
        text.ShouldContain("Your request for health information is denied");
        text.ShouldContain("No corrected authorization came within 60 days.");
        using var document = PdfDocument.Open(pack.Pdf);
        var letterPages = await world.DbAsync(db => db.RoiLetters.Where(l => l.Id == deficient.LetterId || l.Id == denial.LetterId).SumAsync(l => l.PageCount));
        document.NumberOfPages.ShouldBeGreaterThan(letterPages);
        (await world.DbAsync(db => db.RoiLetters.CountAsync(l => l.RequestId == requestId && l.Kind == LetterKinds.EvidencePack))).ShouldBe(1);
        (await world.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE resource_type = 'ReleaseRequest' AND resource_id = '{requestId}' AND action = 'export'")).ShouldBe(1);
    }
}
