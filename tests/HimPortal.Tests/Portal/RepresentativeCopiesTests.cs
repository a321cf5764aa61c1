using System.Text.Json;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Common;
using HimPortal.Application.Portal.Holds;
using HimPortal.Application.Roi.LogRequest;
using HimPortal.Application.Roi.MoveRequest;
using HimPortal.Application.Roi.Packets;
using HimPortal.Application.Roi.Packets.DecideItem;
using HimPortal.Application.Roi.Portal;
using HimPortal.Data.Portal;
using HimPortal.Data.Roi;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Roi.Packets;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Portal;

/// <summary>
/// Issue 19 item 8 carried into copies: a personal representative's copy holds no more than the portal shows them. Care
/// the minor consented to alone (MINORCNS) stays out of a parent's packet, PDF and FHIR, when the grant hides it
/// (45 CFR 164.502(g)(3)); the patient's own copy keeps it; psychotherapy notes stay out of both (164.524(a)(1)(i)); an
/// information-blocking hold (45 CFR 171) is the portal's, not the release's (ADR 0042).
/// </summary>
public sealed class RepresentativeCopiesTests(PortalCopiesWorld world) : IClassFixture<PortalCopiesWorld>
{
    private static readonly CopyChoice EverythingBoth = new(PortalCopies.Everything, null, null, [], PortalCopies.Both);

    private TestDatabase Db => world.Database;

    [Fact]
    public async Task A_parents_copy_leaves_out_the_minors_own_care_in_pdf_and_fhir_the_patients_own_copy_keeps_it_and_the_specialist_cannot_add_it_back()
    {
        var notes = await NotesAsync(3);
        var (minorsOwn, psychotherapy, held) = (notes[0], notes[1], notes[2]);
        await MinorsOwnCareAsync(minorsOwn);
        await PacketSteps.LabelAsync(Db, world.AdaRecord, "DocumentReference", psychotherapy, PortalVisibility.PsychotherapyNotes);
        var (_, physician) = await world.StaffAsync(Roles.Physician);
        await using (physician)
        {
            await using var scope = physician.CreateAsyncScope();
            (await scope.ServiceProvider.GetRequiredService<PlaceHoldHandler>().HandleAsync(new PlaceHoldCommand(world.AdaRecord, "DocumentReference", held,
                HoldExceptions.PreventingHarm, "Result to be discussed with the patient first", null), CancellationToken.None)).Error.ShouldBeNull();
        }

        await using var parent = await world.RepresentativeAsync(world.AdaRecord, hideMinorConsentedCare: true);
        await using var ada = await world.PatientAsync(world.AdaRecord);
        var parentCopies = await RequestAsync(parent, EverythingBoth);
        var ownCopies = await RequestAsync(ada, EverythingBoth);
        foreach (var copy in parentCopies)
        {
            (await Db.ScalarAsync<string>($"SELECT requester_type || '|' || array_to_string(hidden_labels, ',') FROM roi.requests WHERE id = '{copy.Id}'"))
                .ShouldBe($"{RequesterTypes.PersonalRepresentative}|{PortalVisibility.MinorConsentedCare}");
        }

        foreach (var copy in ownCopies)
        {
            (await Db.ScalarAsync<int>($"SELECT cardinality(hidden_labels) FROM roi.requests WHERE id = '{copy.Id}'")).ShouldBe(0);
        }

        await using var specialist = await PacketSteps.AsAsync(Db);
        var parentPdf = await BuildAsync(specialist, parentCopies, ReleaseFormats.Pdf);
        var parentFhir = await BuildAsync(specialist, parentCopies, ReleaseFormats.FhirJson);
        var ownPdf = await BuildAsync(specialist, ownCopies, ReleaseFormats.Pdf);
        var ownFhir = await BuildAsync(specialist, ownCopies, ReleaseFormats.FhirJson);

        // The PDFs, read back: the manifest page prints every item's SHA-256; the minor's own note is in the patient's copy only.
        var ownItem = PacketSteps.Manifest(await PacketSteps.PacketAsync(Db, ownPdf.Packet)).Items.Single(i => i.ResourceKey == minorsOwn.ToString("D"));
        PacketSteps.Manifest(await PacketSteps.PacketAsync(Db, parentPdf.Packet)).Items.ShouldNotContain(i => i.ResourceKey == minorsOwn.ToString("D"));
        var parentText = await PdfTextAsync(parentPdf.Packet);
        var ownText = await PdfTextAsync(ownPdf.Packet);
        ownText.ShouldContain(ownItem.Sha256);
        parentText.ShouldNotContain(ownItem.Sha256);
        // Nor is it counted on the parent's cover letter (even "some care was left out" would tell them it exists): the
        // psychotherapy note is the one protected item left out of either copy.
        const string OneProtected = "1item(s)ofinformationspeciallyprotected";
        Squeezed(parentText).ShouldContain(OneProtected);
        Squeezed(ownText).ShouldContain(OneProtected);

        // The FHIR bundles, read as JSON.
        var minorsOwnFhirId = await Db.ScalarAsync<string>($"SELECT fhir_id FROM clinical.clinical_notes WHERE id = '{minorsOwn}'");
        var psychotherapyFhirId = await Db.ScalarAsync<string>($"SELECT fhir_id FROM clinical.clinical_notes WHERE id = '{psychotherapy}'");
        var heldFhirId = await Db.ScalarAsync<string>($"SELECT fhir_id FROM clinical.clinical_notes WHERE id = '{held}'");
        var parentIds = await BundleIdsAsync(parentFhir.Packet);
        var ownIds = await BundleIdsAsync(ownFhir.Packet);
        ownIds.ShouldContain(minorsOwnFhirId);
        parentIds.ShouldNotContain(minorsOwnFhirId);
        parentIds.Count.ShouldBeGreaterThan(1);

        // Psychotherapy notes stay out of "everything" for both; the hold is the portal's (45 CFR 171), not the release's.
        ownIds.ShouldNotContain(psychotherapyFhirId);
        parentIds.ShouldNotContain(psychotherapyFhirId);
        ownIds.ShouldContain(heldFhirId);
        PacketSteps.Manifest(await PacketSteps.PacketAsync(Db, ownPdf.Packet)).Items.ShouldNotContain(i => i.ResourceKey == psychotherapy.ToString("D"));

        // The specialist sees the item left out, with its reason in words, and cannot add it back to the parent's copy.
        var page = await PacketSteps.PageAsync(specialist, parentPdf.Request);
        page.KeptFromRequester.ShouldNotBeNull().ShouldContain("164.502(g)(3)");
        var item = page.Items.Single(i => i.ResourceKey == minorsOwn.ToString("D"));
        item.Included.ShouldBeFalse();
        item.ExclusionReason.ShouldBe(PacketCoverage.MinorConsentedCareReason);
        var before = await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{parentPdf.Request}' AND outcome = 'denied'");
        var addBack = await specialist.HandleAsync<DecideItemHandler, Result<bool>>(h =>
            h.HandleAsync(new DecideItemCommand(parentPdf.Request, item.Id, true, null), CancellationToken.None));
        addBack.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        addBack.Error.Message.ShouldContain("164.502(g)(3)");
        (await Db.ScalarAsync<bool>($"SELECT included FROM roi.packet_items WHERE id = {item.Id}")).ShouldBeFalse();
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{parentPdf.Request}' AND outcome = 'denied'"))
            .ShouldBe(before + 1);
        // The same item in the patient's own request is theirs.
        (await PacketSteps.PageAsync(specialist, ownPdf.Request)).KeptFromRequester.ShouldBeNull();
    }

    [Fact]
    public async Task A_parent_whose_grant_does_not_hide_the_minors_own_care_gets_it()
    {
        // The same note as the other test (the smallest shared patient has three), labelled once whichever runs first.
        var note = (await NotesAsync(3))[0];
        await MinorsOwnCareAsync(note);
        await using var parent = await world.RepresentativeAsync(world.AdaRecord, hideMinorConsentedCare: false);
        var copies = await RequestAsync(parent, EverythingBoth with { Format = PortalCopies.Pdf });
        (await Db.ScalarAsync<int>($"SELECT cardinality(hidden_labels) FROM roi.requests WHERE id = '{copies.Single().Id}'")).ShouldBe(0);
        await using var specialist = await PacketSteps.AsAsync(Db);
        var built = await BuildAsync(specialist, copies, ReleaseFormats.Pdf);
        PacketSteps.Manifest(await PacketSteps.PacketAsync(Db, built.Packet)).Items.ShouldContain(i => i.ResourceKey == note.ToString("D"));
    }

    /// <summary>Labels the note as care the minor consented to alone, once whichever test of the class runs first.</summary>
    private async Task MinorsOwnCareAsync(Guid note)
    {
        if (await Db.ScalarAsync<long>($"SELECT count(*) FROM access.item_sensitivity_labels WHERE resource_id = '{note}' AND label_code = '{PortalVisibility.MinorConsentedCare}' AND removed_at IS NULL") == 0)
        {
            await PacketSteps.LabelAsync(Db, world.AdaRecord, "DocumentReference", note, PortalVisibility.MinorConsentedCare);
        }
    }

    /// <summary>Ada's newest notes (the other tests of the fixture label its oldest).</summary>
    private async Task<Guid[]> NotesAsync(int count)
    {
        var ids = await Db.ScalarAsync<string>($"""
            SELECT string_agg(id::text, ',' ORDER BY date DESC, id DESC) FROM (SELECT id, date FROM clinical.clinical_notes
            WHERE patient_id = '{world.AdaRecord}' ORDER BY date DESC, id DESC LIMIT {count}) n
            """);
        var notes = ids.Split(',').Select(Guid.Parse).ToArray();
        notes.Length.ShouldBe(count, "the smallest shared patient has enough notes for this test");
        return notes;
    }

    private static Task<IReadOnlyList<LoggedRequest>> RequestAsync(PortalPatient who, CopyChoice choice) => PortalCopiesWorld.RequestCopyAsync(who, choice);

    /// <summary>The specialist works the request of <paramref name="format"/> to a built packet: processing, items selected, built.</summary>
    private async Task<(Guid Request, Guid Packet)> BuildAsync(Specialist specialist, IReadOnlyList<LoggedRequest> copies, string format)
    {
        var request = await Db.ScalarAsync<Guid>($"SELECT id FROM roi.requests WHERE id IN ({string.Join(',', copies.Select(c => $"'{c.Id}'"))}) AND format = '{format}'");
        var version = (uint)await Db.ScalarAsync<long>($"SELECT xmin::text::bigint FROM roi.requests WHERE id = '{request}'");
        (await specialist.HandleAsync<MoveRequestHandler, Result<uint>>(h =>
            h.HandleAsync(new MoveRequestCommand(request, RequestStatuses.Processing, null, version), CancellationToken.None))).Error.ShouldBeNull();
        await PacketSteps.SelectAsync(specialist, request);
        return (request, (await PacketSteps.BuildAsync(specialist, request)).PacketId);
    }

    private async Task<string> PdfTextAsync(Guid packet)
    {
        var bytes = await PacketSteps.BytesAsync(Db, packet);
        await Qpdf.CheckAsync(bytes);
        using var pdf = PdfDocument.Open(bytes);
        return string.Concat(pdf.GetPages().Select(p => p.Text));
    }

    private static string Squeezed(string text) => Regex.Replace(text, @"\s+", "");

    private async Task<HashSet<string>> BundleIdsAsync(Guid packet)
    {
        using var bundle = JsonDocument.Parse(await PacketSteps.BytesAsync(Db, packet));
        bundle.RootElement.GetProperty("resourceType").GetString().ShouldBe("Bundle");
        return [.. bundle.RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource").GetProperty("id").GetString()!)];
    }
}
