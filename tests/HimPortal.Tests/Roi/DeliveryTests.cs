using System.Security.Cryptography;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.Delivery;
using HimPortal.Application.Roi.Delivery.CreateDownloadLink;
using HimPortal.Application.Roi.Delivery.DownloadPacket;
using HimPortal.Application.Roi.Delivery.PrintMailingLabel;
using HimPortal.Application.Roi.Delivery.RecordDelivery;
using HimPortal.Application.Roi.Delivery.RevokeDownloadLink;
using HimPortal.Application.Roi.Fees.GetInvoicePdf;
using HimPortal.Data.Roi;
using HimPortal.Tests.Documents;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Roi;

/// <summary>
/// Delivery (issue 17 item 6): secure download links that expire and count, each use recorded; revocation; mail with a
/// label; pickup with the identity check; and the disclosure recorded at every delivery, accountable exactly for the
/// types 164.528 lists.
/// </summary>
public sealed class DeliveryTests(RoiDeliveryWorld world) : IClassFixture<RoiDeliveryWorld>
{
    private async Task<Result<DownloadLinkCreated>> LinkAsync(Guid request) =>
        await world.RunAsync<DownloadLinkCreated, CreateDownloadLinkHandler>(async h => await h.HandleAsync(
            new CreateDownloadLinkCommand(request, await world.VersionAsync(request), SendEmail: false), CancellationToken.None));

    private async Task<DownloadOutcome> DownloadAsync(string token, string address = "203.0.113.7")
    {
        var previous = world.Actor.Current;
        world.Actor.Current = new AuditActor(null, null, [], address, "curl", "download-test");
        try
        {
            var result = await world.RunAsync<DownloadOutcome, DownloadPacketHandler>(h => h.HandleAsync(new DownloadPacketCommand(token), CancellationToken.None));
            result.IsSuccess.ShouldBeTrue(result.Error?.Message);
            return result.Value!;
        }
        finally
        {
            world.Actor.Current = previous;
        }
    }

    [Fact]
    public async Task A_download_link_releases_the_packet_serves_its_exact_bytes_counts_each_use_and_is_exhausted_at_its_limit()
    {
        var patient = await world.PatientAsync();
        var request = await world.ReleasableAsync(patient, RequesterTypes.PublicHealth, requester: "State Department of Public Health");
        var (packetId, bytes) = await BuiltPackets.AddAsync(world.Database, request);

        var link = await LinkAsync(request);
        link.IsSuccess.ShouldBeTrue(link.Error?.Message);
        link.Value!.Token.Length.ShouldBe(43);
        link.Value.Path.ShouldBe("/Release?token=" + link.Value.Token);
        link.Value.MaxDownloads.ShouldBe(3);

        var (status, packet, hash, disclosure, delivery) = await world.QueryAsync(async db => (
            (await db.ReleaseRequests.SingleAsync(r => r.Id == request)).Status,
            await db.Packets.SingleAsync(p => p.Id == packetId),
            (await db.DownloadLinks.SingleAsync(l => l.Id == link.Value.LinkId)).TokenHash,
            await db.Disclosures.SingleAsync(d => d.RequestId == request),
            await db.Deliveries.SingleAsync(d => d.RequestId == request)));
        status.ShouldBe(RequestStatuses.Delivered);
        packet.Status.ShouldBe(PacketStatuses.Released);
        hash.ShouldBe(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(link.Value.Token)));
        disclosure.Accountable.ShouldBeTrue();
        disclosure.LegalBasis.ShouldBe("45 CFR 164.512(b)");
        disclosure.Description.ShouldStartWith("2 encounters 2019-2024, 1 scanned document");
        disclosure.DisclosedAt.ShouldBe(delivery.At);
        delivery.Method.ShouldBe(DeliveryMethods.SecureDownload);

        for (var i = 0; i < 3; i++)
        {
            var served = await DownloadAsync(link.Value.Token);
            served.File!.Content.ShouldBe(bytes);
            SHA256.HashData(served.File.Content).ShouldBe(packet.Sha256);
            served.File.ContentType.ShouldBe("application/pdf");
        }

        (await DownloadAsync(link.Value.Token)).Refusal!.ShouldContain("used as many times");
        var events = await world.QueryAsync(db => db.DownloadEvents.Where(e => e.LinkId == link.Value.LinkId).OrderBy(e => e.Id).ToListAsync());
        events.Select(e => e.Outcome).ShouldBe([DownloadOutcomes.Served, DownloadOutcomes.Served, DownloadOutcomes.Served, DownloadOutcomes.Exhausted]);
        events.ShouldAllBe(e => e.Address == "203.0.113.7");
        (await world.QueryAsync(db => db.DownloadLinks.SingleAsync(l => l.Id == link.Value.LinkId))).Downloads.ShouldBe(3);
        (await world.Database.ScalarAsync<long>(
                $"SELECT count(*) FROM audit.access_events WHERE resource_id = '{request}' AND action = 'disclose' AND user_id IS NULL AND client_ip = '203.0.113.7'"))
            .ShouldBe(4);

        // A re-send is a new link to the same released packet: byte-identical, and no new disclosure.
        var again = await LinkAsync(request);
        again.Value!.Resent.ShouldBeTrue();
        (await DownloadAsync(again.Value.Token)).File!.Content.ShouldBe(bytes);
        (await world.QueryAsync(db => db.Disclosures.CountAsync(d => d.RequestId == request))).ShouldBe(1);
    }

    [Fact]
    public async Task An_expired_or_revoked_link_is_refused_and_each_refusal_is_recorded_and_an_unknown_token_is_not_found()
    {
        var patient = await world.PatientAsync();
        var request = await world.ReleasableAsync(patient, RequesterTypes.LawEnforcement);
        await BuiltPackets.AddAsync(world.Database, request);
        var expiring = (await LinkAsync(request)).Value!;
        var revoked = (await LinkAsync(request)).Value!;

        var version = await world.QueryAsync(db => db.DownloadLinks.Where(l => l.Id == revoked.LinkId).Select(l => l.Version).SingleAsync());
        (await world.RunAsync<bool, RevokeDownloadLinkHandler>(h => h.HandleAsync(new RevokeDownloadLinkCommand(revoked.LinkId, version), CancellationToken.None)))
            .IsSuccess.ShouldBeTrue();
        (await DownloadAsync(revoked.Token)).Refusal!.ShouldContain("withdrawn");

        world.Clock.Advance(TimeSpan.FromDays(30).Add(TimeSpan.FromMinutes(1)));
        try
        {
            (await DownloadAsync(expiring.Token)).Refusal!.ShouldContain("expired");
        }
        finally
        {
            world.Clock.Advance(-TimeSpan.FromDays(30).Add(TimeSpan.FromMinutes(1)));
        }

        var outcomes = await world.QueryAsync(db => db.DownloadEvents.Where(e => e.LinkId == expiring.LinkId || e.LinkId == revoked.LinkId)
            .Select(e => e.Outcome).ToListAsync());
        outcomes.ShouldBe([DownloadOutcomes.Revoked, DownloadOutcomes.Expired], ignoreOrder: true);

        var unknown = await world.RunAsync<DownloadOutcome, DownloadPacketHandler>(h => h.HandleAsync(new DownloadPacketCommand(DownloadTokens.New()), CancellationToken.None));
        unknown.Error!.Kind.ShouldBe(ErrorKind.NotFound);
    }

    [Fact]
    public async Task Nothing_leaves_before_the_packet_is_checked_and_the_gate_is_clear()
    {
        var patient = await world.PatientAsync();
        var request = await world.ReleasableAsync(patient, RequesterTypes.Subpoena);
        (await LinkAsync(request)).Error!.Message.ShouldContain("not been built and checked");
        await BuiltPackets.AddAsync(world.Database, request, PacketStatuses.Built);
        (await LinkAsync(request)).Error!.Message.ShouldContain("not been built and checked");
        await world.Database.ExecuteAsync($"UPDATE roi.packets SET status = 'checked' WHERE request_id = '{request}'");
        await world.Database.ExecuteAsync($"UPDATE roi.requests SET satisfactory_assurances = NULL WHERE id = '{request}'");
        (await LinkAsync(request)).Error!.Message.ShouldContain("satisfactory assurances");
        (await world.QueryAsync(db => db.Disclosures.CountAsync(d => d.RequestId == request))).ShouldBe(0);
    }

    [Fact]
    public async Task Mail_is_printed_with_a_label_and_recorded_with_its_tracking_number()
    {
        var patient = await world.PatientAsync();
        var request = await world.ReleasableAsync(patient, RequesterTypes.Patient, format: ReleaseFormats.Paper, delivery: DeliveryMethods.Mail);
        await BuiltPackets.AddAsync(world.Database, request);

        var label = (await world.RunAsync<RoiFile, PrintMailingLabelHandler>(h => h.HandleAsync(new PrintMailingLabelCommand(request), CancellationToken.None))).Value!;
        await Qpdf.CheckAsync(label.Content);
        using (var document = PdfDocument.Open(label.Content))
        {
            var page = document.GetPage(1);
            page.Width.ShouldBe(288);
            page.Height.ShouldBe(144);
            page.Text.ShouldContain("1 Main Street");
            page.Text.ShouldContain("Boston, MA 02110");
        }

        var version = await world.VersionAsync(request);
        (await world.RunAsync<Guid, RecordDeliveryHandler>(h => h.HandleAsync(new RecordDeliveryCommand(request, DeliveryMethods.Mail, " ", null, null, null, version),
            CancellationToken.None))).Error!.Field.ShouldBe(nameof(RecordDeliveryCommand.TrackingNumber));
        var mailed = await world.RunAsync<Guid, RecordDeliveryHandler>(h => h.HandleAsync(
            new RecordDeliveryCommand(request, DeliveryMethods.Mail, "9407 1000 0000 0000 0001", null, null, null, version), CancellationToken.None));
        mailed.IsSuccess.ShouldBeTrue(mailed.Error?.Message);
        var (proof, disclosure, letters) = await world.QueryAsync(async db => (
            await db.Deliveries.SingleAsync(d => d.RequestId == request),
            await db.Disclosures.SingleAsync(d => d.RequestId == request),
            await db.RoiLetters.Where(l => l.RequestId == request).Select(l => l.Kind).ToListAsync()));
        proof.Proof.ShouldContain("9407 1000 0000 0000 0001");
        disclosure.Accountable.ShouldBeFalse("a copy to the individual is history, not the accounting (164.528(a)(1)(i))");
        letters.ShouldContain(LetterKinds.MailingLabel);
    }

    [Fact]
    public async Task A_pickup_needs_the_identity_check_and_keeps_it_as_proof()
    {
        var patient = await world.PatientAsync();
        var request = await world.ReleasableAsync(patient, RequesterTypes.PersonalRepresentative, delivery: DeliveryMethods.Pickup);
        await BuiltPackets.AddAsync(world.Database, request);
        var version = await world.VersionAsync(request);

        var missing = await world.RunAsync<Guid, RecordDeliveryHandler>(h => h.HandleAsync(
            new RecordDeliveryCommand(request, DeliveryMethods.Pickup, null, "Pat Rep", null, "12345", version), CancellationToken.None));
        missing.Error!.Fields!.Select(f => f.Field).ShouldBe([nameof(RecordDeliveryCommand.IdType), nameof(RecordDeliveryCommand.IdLastDigits)], ignoreOrder: true);

        (await world.RunAsync<Guid, RecordDeliveryHandler>(h => h.HandleAsync(
            new RecordDeliveryCommand(request, DeliveryMethods.Pickup, null, "Pat Rep", "passport", "4821", version), CancellationToken.None))).IsSuccess.ShouldBeTrue();
        var proof = await world.QueryAsync(db => db.Deliveries.SingleAsync(d => d.RequestId == request));
        proof.Proof.ShouldBe("Picked up by Pat Rep; identity checked against passport ending 4821 by roi@test.himportal.example");
    }

    public static TheoryData<string, bool> AccountableTypes() => new()
    {
        { RequesterTypes.PublicHealth, true },
        { RequesterTypes.LawEnforcement, true },
        { RequesterTypes.CourtOrder, true },
        { RequesterTypes.Subpoena, true },
        { RequesterTypes.WorkersCompensation, true },
        { RequesterTypes.HealthOversight, true },
        { RequesterTypes.Patient, false },
        { RequesterTypes.PersonalRepresentative, false },
        { RequesterTypes.PatientDirected, false },
        { RequesterTypes.AuthorizedThirdParty, false },
        { RequesterTypes.Attorney, false },
        { RequesterTypes.Insurer, false },
        { RequesterTypes.ContinuityOfCare, false },
        { RequesterTypes.SocialSecurity, false },
    };

    [Theory]
    [MemberData(nameof(AccountableTypes))]
    public async Task Every_delivery_records_the_disclosure_accountable_exactly_for_the_types_the_accounting_lists(string type, bool accountable)
    {
        var patient = await world.PatientAsync();
        var request = await world.ReleasableAsync(patient, type, delivery: DeliveryMethods.Pickup);
        await BuiltPackets.AddAsync(world.Database, request);
        var version = await world.VersionAsync(request);
        var picked = await world.RunAsync<Guid, RecordDeliveryHandler>(h => h.HandleAsync(
            new RecordDeliveryCommand(request, DeliveryMethods.Pickup, null, "Courier", "driver's license", "0042", version), CancellationToken.None));
        picked.IsSuccess.ShouldBeTrue(picked.Error?.Message);
        var disclosure = await world.QueryAsync(db => db.Disclosures.SingleAsync(d => d.RequestId == request));
        disclosure.Accountable.ShouldBe(accountable);
        disclosure.PatientId.ShouldBe(patient);
        disclosure.Source.ShouldBe(DisclosureSources.Release);
        disclosure.RecipientAddress.ShouldBe("1 Main Street, Boston, MA 02110");
    }

    [Fact]
    public async Task PostgreSQL_refuses_to_change_or_delete_a_disclosure_and_to_change_a_released_packet()
    {
        var patient = await world.PatientAsync();
        var request = await world.ReleasableAsync(patient, RequesterTypes.CourtOrder);
        await BuiltPackets.AddAsync(world.Database, request);
        (await LinkAsync(request)).IsSuccess.ShouldBeTrue();

        await Should.ThrowAsync<PostgresException>(() => world.Database.ExecuteAsync($"UPDATE roi.disclosures SET purpose = 'x' WHERE request_id = '{request}'"));
        await Should.ThrowAsync<PostgresException>(() => world.Database.ExecuteAsync($"DELETE FROM roi.disclosures WHERE request_id = '{request}'"));
        await Should.ThrowAsync<PostgresException>(() => world.Database.ExecuteAsync($"UPDATE roi.packets SET sha256 = '\\x00' WHERE request_id = '{request}'"));
    }
}
