using System.Security.Cryptography;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Roi.Packets;
using HimPortal.Application.Roi.Packets.CheckPacket;
using HimPortal.Application.Roi.Packets.DecideItem;
using HimPortal.Application.Roi.Packets.GetPacket;
using HimPortal.Application.Roi.Packets.QueuePacket;
using HimPortal.Application.Roi.Packets.Redact;
using HimPortal.Data.Roi;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Roi.Packets;

/// <summary>
/// The packet (issue 17 item 5): selection from the scope, sensitive segments left out unless covered, minimum necessary,
/// redaction as true removal, footer and manifest, the second-person check, and a released packet never changing.
/// </summary>
public sealed class PacketTests(PacketDatabase fixture) : IClassFixture<PacketDatabase>
{
    private TestDatabase Db => fixture.Database;

    private Guid Patient => fixture.PatientId;

    private Task<Guid> NoteAsync(int n) =>
        Db.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE patient_id = '{Patient}' ORDER BY date, id OFFSET {n} LIMIT 1");

    private Task<Guid> ReportAsync(int n) =>
        Db.ScalarAsync<Guid>($"SELECT id FROM clinical.diagnostic_reports WHERE patient_id = '{Patient}' ORDER BY effective_at, id OFFSET {n} LIMIT 1");

    private async Task<Guid> RequestAsync(string type, Guid? authorization = null, string scope = ScopeKinds.DesignatedRecordSet)
    {
        var id = await ReleaseRequests.AddAsync(Db, Patient, type, RequestStatuses.Processing, scope: scope, authorizationId: authorization,
            requesterName: "Dana Counsel");
        await Db.ExecuteAsync($"UPDATE roi.requests SET identity_verification = 'photo ID seen' WHERE id = '{id}'");
        return id;
    }

    private static PacketItemView Item(PacketPage page, Guid id) => page.Items.Single(i => i.ResourceKey == id.ToString("D"));

    private static async Task<PacketPage> SelectedAsync(Specialist who, Guid request)
    {
        await PacketSteps.SelectAsync(who, request);
        return await PacketSteps.PageAsync(who, request);
    }

    [Fact]
    public async Task Selection_follows_the_scope_asked_for_and_the_designated_record_set_takes_everything()
    {
        await using var specialist = await PacketSteps.AsAsync(Db);
        var whole = await RequestAsync(RequesterTypes.Patient);
        var all = await SelectedAsync(specialist, whole);
        all.Items.ShouldNotBeEmpty();
        all.Items.Select(i => i.ResourceType).Distinct().ShouldContain(PacketItemTypes.Encounter);
        all.Items.Select(i => i.ResourceType).Distinct().ShouldContain(PacketItemTypes.Note);

        var dates = all.Items.Where(i => i.Date is not null).Select(i => i.Date!.Value).Order().ToList();
        var from = dates[dates.Count / 2];
        var specific = await RequestAsync(RequesterTypes.Patient, scope: ScopeKinds.Specific);
        await Db.ExecuteAsync($"UPDATE roi.requests SET scope_from = '{from:yyyy-MM-dd}', scope_sections = ARRAY['documents'] WHERE id = '{specific}'");
        var page = await SelectedAsync(specialist, specific);
        page.Items.Count.ShouldBe(all.Items.Count);
        foreach (var item in page.Items)
        {
            var inScope = (item.Date is null || item.Date >= from) && item.ResourceType is PacketItemTypes.Note or PacketItemTypes.Scanned;
            if (item.Labels.Count == 0)
            {
                item.Included.ShouldBe(inScope, item.Title);
            }

            if (!inScope)
            {
                item.ExclusionReason!.ShouldStartWith("out of scope");
            }
        }

        page.Items.Count(i => i.Included).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Psychotherapy_notes_are_never_released_to_the_individual_and_only_under_their_own_authorization_to_others()
    {
        var note = await NoteAsync(0);
        await PacketSteps.LabelAsync(Db, Patient, "DocumentReference", note, "PSYTHPN");
        await using var specialist = await PacketSteps.AsAsync(Db);

        var own = await SelectedAsync(specialist, await RequestAsync(RequesterTypes.Patient));
        var mine = Item(own, note);
        mine.Included.ShouldBeFalse();
        mine.ExclusionReason!.ShouldContain("164.524(a)(1)(i)");

        var general = await SelectedAsync(specialist, await RequestAsync(RequesterTypes.Attorney, await PacketSteps.AuthorizationAsync(Db, Patient)));
        Item(general, note).Included.ShouldBeFalse();
        Item(general, note).ExclusionReason!.ShouldContain("164.508(a)(2)");

        var specific = await SelectedAsync(specialist, await RequestAsync(RequesterTypes.Attorney,
            await PacketSteps.AuthorizationAsync(Db, Patient, psychotherapy: true)));
        Item(specific, note).Included.ShouldBeTrue();

        // The individual's own request: the specialist cannot include it either, and the refusal names the rule.
        var refused = await specialist.HandleAsync<DecideItemHandler, Result<bool>>(h =>
            h.HandleAsync(new DecideItemCommand(own.RequestId, mine.Id, true, null), CancellationToken.None));
        refused.Error!.Message.ShouldContain("164.524(a)(1)(i)");
    }

    [Fact]
    public async Task Part_2_records_need_a_Part_2_consent_or_court_order_and_carry_the_2_32_notice()
    {
        var note = await NoteAsync(1);
        await PacketSteps.LabelAsync(Db, Patient, "DocumentReference", note, "SUD");
        await using var specialist = await PacketSteps.AsAsync(Db);

        var subpoena = await RequestAsync(RequesterTypes.Subpoena);
        Item(await SelectedAsync(specialist, subpoena), note).ExclusionReason!.ShouldContain("2.64");

        var general = await SelectedAsync(specialist, await RequestAsync(RequesterTypes.Insurer, await PacketSteps.AuthorizationAsync(Db, Patient)));
        Item(general, note).Included.ShouldBeFalse();

        var order = await RequestAsync(RequesterTypes.CourtOrder);
        await Db.ExecuteAsync($"UPDATE roi.requests SET part2court_order = true WHERE id = '{order}'");
        Item(await SelectedAsync(specialist, order), note).Included.ShouldBeTrue();

        var consent = await RequestAsync(RequesterTypes.Insurer, await PacketSteps.AuthorizationAsync(Db, Patient, part2: true, labels: ["HIV", "BH", "GDIS", "SEX"]));
        var page = await SelectedAsync(specialist, consent);
        Item(page, note).Included.ShouldBeTrue();
        var built = await PacketSteps.BuildAsync(specialist, consent);
        using var pdf = PdfDocument.Open(await PacketSteps.BytesAsync(Db, built.PacketId));
        string.Join(" ", pdf.GetPages().Select(p => p.Text)).ShouldContain("42 CFR part 2");
        (await PacketSteps.PacketAsync(Db, built.PacketId)).ContainsSensitive.ShouldBeTrue();
    }

    [Fact]
    public async Task State_protected_categories_go_to_a_third_party_only_when_the_authorization_names_them_and_to_the_individual_always()
    {
        var report = await ReportAsync(0);
        await PacketSteps.LabelAsync(Db, Patient, "DiagnosticReport", report, "HIV");
        await using var specialist = await PacketSteps.AsAsync(Db);

        var general = await SelectedAsync(specialist, await RequestAsync(RequesterTypes.AuthorizedThirdParty, await PacketSteps.AuthorizationAsync(Db, Patient)));
        Item(general, report).Included.ShouldBeFalse();
        Item(general, report).ExclusionReason!.ShouldContain("HIV");
        var naming = await SelectedAsync(specialist, await RequestAsync(RequesterTypes.AuthorizedThirdParty,
            await PacketSteps.AuthorizationAsync(Db, Patient, labels: ["HIV"])));
        Item(naming, report).Included.ShouldBeTrue();
        Item(await SelectedAsync(specialist, await RequestAsync(RequesterTypes.Patient)), report).Included.ShouldBeTrue();

        // A label the hospital configures (reproductive health, say) is restricted the same way.
        var other = await ReportAsync(1);
        await PacketSteps.LabelAsync(Db, Patient, "DiagnosticReport", other, "GDIS");
        Item(await SelectedAsync(specialist, await RequestAsync(RequesterTypes.AuthorizedThirdParty, await PacketSteps.AuthorizationAsync(Db, Patient))), other)
            .Included.ShouldBeFalse();
    }

    [Fact]
    public async Task Minimum_necessary_exclusions_are_the_specialists_and_survive_reselection()
    {
        await using var specialist = await PacketSteps.AsAsync(Db);
        var request = await RequestAsync(RequesterTypes.LawEnforcement);
        var page = await SelectedAsync(specialist, request);
        page.MinimumNecessary.ShouldBeTrue();
        var item = page.Items.First(i => i.Included);
        var noReason = await specialist.HandleAsync<DecideItemHandler, Result<bool>>(h =>
            h.HandleAsync(new DecideItemCommand(request, item.Id, false, ""), CancellationToken.None));
        noReason.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await specialist.HandleAsync<DecideItemHandler, Result<bool>>(h =>
            h.HandleAsync(new DecideItemCommand(request, item.Id, false, "minimum necessary"), CancellationToken.None))).Error.ShouldBeNull();

        var again = await SelectedAsync(specialist, request);
        var kept = again.Items.Single(i => i.Id == item.Id);
        kept.Included.ShouldBeFalse();
        kept.ExclusionReason.ShouldBe("minimum necessary");
        kept.Decided.ShouldBeTrue();
    }

    [Fact]
    public async Task Packet_has_a_footer_on_every_page_a_manifest_of_item_hashes_its_own_hash_and_passes_qpdf()
    {
        await using var specialist = await PacketSteps.AsAsync(Db);
        var scanned = await FiledDocuments.FileAsync(specialist.Services, DateTimeOffset.UtcNow, Patient, specialist.UserId, pages: 3);
        var request = await RequestAsync(RequesterTypes.Patient);
        await SelectedAsync(specialist, request);
        var built = await PacketSteps.BuildAsync(specialist, request);
        var bytes = await PacketSteps.BytesAsync(Db, built.PacketId);
        var packet = await PacketSteps.PacketAsync(Db, built.PacketId);

        packet.Status.ShouldBe(PacketStatuses.Built);
        packet.Sha256.ShouldBe(SHA256.HashData(bytes));
        packet.Length.ShouldBe(bytes.Length);
        await Qpdf.CheckAsync(bytes);
        using (var pdf = PdfDocument.Open(bytes))
        {
            pdf.NumberOfPages.ShouldBe(packet.PageCount!.Value);
            foreach (var page in pdf.GetPages())
            {
                page.Text.ShouldContain($"page {page.Number} of {pdf.NumberOfPages}");
                page.Text.ShouldContain("Dana Counsel");
            }

            pdf.GetPage(pdf.NumberOfPages).Text.ShouldContain("Manifest");
        }

        var manifest = PacketSteps.Manifest(packet);
        manifest.Sha256.ShouldBe(Convert.ToHexStringLower(packet.Sha256!));
        var selected = await PacketSteps.PageAsync(specialist, request);
        manifest.Items.Count.ShouldBe(selected.Items.Count(i => i.Included));

        // A scanned document's hash is over its page images as released: recomputed here from the document store.
        var item = manifest.Items.Single(i => i.ResourceKey == scanned.Id.ToString("D"));
        var images = await Db.ScalarAsync<string>($"""
            SELECT string_agg(p.image_object_id::text, ',' ORDER BY sp.ordinal) FROM documents.document_pages sp
            JOIN documents.pages p ON p.id = sp.page_id WHERE sp.document_id = '{scanned.Id}'
            """);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var scope = specialist.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();
            foreach (var id in images.Split(','))
            {
                await using var stream = (await store.OpenReadAsync(Guid.Parse(id), CancellationToken.None))!;
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy);
                hash.AppendData(copy.ToArray());
            }
        }

        item.Sha256.ShouldBe(Convert.ToHexStringLower(hash.GetHashAndReset()));
        (item.LastPage - item.FirstPage + 1).ShouldBe(3);
        (await Db.ScalarAsync<string>($"SELECT status FROM roi.requests WHERE id = '{request}'")).ShouldBe(RequestStatuses.QualityCheck);
    }

    [Fact]
    public async Task A_redacted_word_cannot_be_extracted_from_the_packet()
    {
        await using var specialist = await PacketSteps.AsAsync(Db);
        var request = await RequestAsync(RequesterTypes.Patient);
        var page = await SelectedAsync(specialist, request);
        var first = await PacketSteps.BuildAsync(specialist, request);
        var manifest = PacketSteps.Manifest(await PacketSteps.PacketAsync(Db, first.PacketId));
        var note = manifest.Items.First(i => i.ResourceType == PacketItemTypes.Note);
        var item = page.Items.Single(i => i.ResourceKey == note.ResourceKey);

        // A word found once in the whole packet, on the note's first page: its box becomes the redaction.
        using var before = PdfDocument.Open(await PacketSteps.BytesAsync(Db, first.PacketId));
        var all = before.GetPages().SelectMany(p => p.GetWords().Select(w => (Page: p.Number, Word: w))).ToList();
        var target = all.Where(w => w.Page == note.FirstPage && w.Word.Text.Length >= 6 && w.Word.Text.All(char.IsLetter))
            .First(w => all.Count(o => o.Word.Text.Contains(w.Word.Text, StringComparison.OrdinalIgnoreCase)) == 1);
        var box = target.Word.BoundingBox;
        var redacted = await specialist.HandleAsync<AddRedactionHandler, Result<long>>(h => h.HandleAsync(new AddRedactionCommand(request, item.Id, 1,
            box.Left / 612 * 100 - 0.5, (792 - box.Top) / 792 * 100 - 0.5, box.Width / 612 * 100 + 1, box.Height / 792 * 100 + 1, "third party's name"),
            CancellationToken.None));
        redacted.Error.ShouldBeNull();

        var second = await PacketSteps.BuildAsync(specialist, request);
        (await PacketSteps.PacketAsync(Db, first.PacketId)).Status.ShouldBe(PacketStatuses.Discarded);
        var bytes = await PacketSteps.BytesAsync(Db, second.PacketId);
        await Qpdf.CheckAsync(bytes);
        using var after = PdfDocument.Open(bytes);
        string.Concat(after.GetPages().Select(p => p.Text)).ShouldNotContain(target.Word.Text, Case.Insensitive);
        after.GetPage(1).Text.ShouldContain("Dana Counsel");
        after.GetPages().Count(p => p.GetWords().Count() > 10).ShouldBeGreaterThan(1);
        PacketSteps.Manifest(await PacketSteps.PacketAsync(Db, second.PacketId)).Items.Single(i => i.ResourceKey == note.ResourceKey).RedactedPages.ShouldBe(1);
    }

    [Fact]
    public async Task A_packet_with_sensitive_content_is_checked_by_a_second_person_and_a_released_packet_never_changes()
    {
        var report = await ReportAsync(2);
        await PacketSteps.LabelAsync(Db, Patient, "DiagnosticReport", report, "BH");
        await using var builder = await PacketSteps.AsAsync(Db);
        await using var checker = await PacketSteps.AsAsync(Db);
        var request = await RequestAsync(RequesterTypes.AuthorizedThirdParty, await PacketSteps.AuthorizationAsync(Db, Patient, labels: ["BH"]));
        var selected = await SelectedAsync(builder, request);
        Item(selected, report).Included.ShouldBeTrue();
        var built = await PacketSteps.BuildAsync(builder, request);
        var packet = await PacketSteps.PacketAsync(Db, built.PacketId);
        packet.ContainsSensitive.ShouldBeTrue();

        var same = await builder.HandleAsync<CheckPacketHandler, Result<bool>>(h =>
            h.HandleAsync(new CheckPacketCommand(request, packet.Id, packet.Version), CancellationToken.None));
        same.Error.ShouldBe(CheckPacketHandler.SamePerson);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{request}' AND outcome = 'denied'")).ShouldBe(1);

        var other = await checker.HandleAsync<CheckPacketHandler, Result<bool>>(h =>
            h.HandleAsync(new CheckPacketCommand(request, packet.Id, packet.Version), CancellationToken.None));
        other.Error.ShouldBeNull();
        (await Db.ScalarAsync<string>($"SELECT status FROM roi.requests WHERE id = '{request}'")).ShouldBe(RequestStatuses.Ready);
        (await PacketSteps.PacketAsync(Db, packet.Id)).Status.ShouldBe(PacketStatuses.Checked);

        // roi-delivery releases it; from then on PostgreSQL refuses any change of what went out, and nothing is rebuilt.
        var original = await PacketSteps.BytesAsync(Db, packet.Id);
        await Db.ExecuteAsync($"UPDATE roi.packets SET status = 'released', released_at = now() WHERE id = '{packet.Id}'");
        await Should.ThrowAsync<PostgresException>(() => Db.ExecuteAsync($"UPDATE roi.packets SET sha256 = '\\x00' WHERE id = '{packet.Id}'"));
        var version = (await PacketSteps.PageAsync(builder, request)).RequestVersion;
        var rebuild = await builder.HandleAsync<QueuePacketHandler, Result<Guid>>(h => h.HandleAsync(new QueuePacketCommand(request, version), CancellationToken.None));
        rebuild.Error.ShouldNotBeNull();
        var resent = await builder.HandleAsync<ReadPacketFileHandler, Result<PacketFile>>(h =>
            h.HandleAsync(new ReadPacketFileQuery(request, packet.Id), CancellationToken.None));
        resent.Value!.Content.ShouldBe(original);
        SHA256.HashData(resent.Value.Content).ShouldBe(packet.Sha256);
    }
}
