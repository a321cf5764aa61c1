using System.Text.Json.Nodes;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Clocks;
using HimPortal.Application.Completion.Amendments.AcceptAmendment;
using HimPortal.Application.Completion.Amendments.DenyAmendment;
using HimPortal.Application.Completion.Amendments.ExtendAmendment;
using HimPortal.Application.Completion.Amendments.GetAmendment;
using HimPortal.Application.Completion.Amendments.ListAmendmentInbox;
using HimPortal.Application.Completion.Amendments.ListAmendmentQueue;
using HimPortal.Application.Completion.Amendments.OpenAmendment;
using HimPortal.Application.Completion.Amendments.RouteAmendment;
using HimPortal.Application.Completion.Amendments.SendAmendmentNotices;
using HimPortal.Application.Completion.Amendments.WriteRebuttal;
using HimPortal.Application.Portal.Amendments.FileDisagreement;
using HimPortal.Application.Portal.Amendments.GetAmendableItem;
using HimPortal.Application.Portal.Amendments.GetAmendmentLetter;
using HimPortal.Application.Portal.Amendments.ListMyAmendments;
using HimPortal.Application.Portal.Amendments.RequestAmendment;
using HimPortal.Data.Portal;
using HimPortal.Tests.Completion.Inbox;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;
using static HimPortal.Tests.Completion.Amendments.AmendmentWorld;

namespace HimPortal.Tests.Completion.Amendments;

/// <summary>Requests to amend the record (issue 19 item 5, 45 CFR 164.526), through the handlers on a real database.</summary>
public sealed class AmendmentTests(AmendmentDatabase fixture) : IClassFixture<AmendmentDatabase>
{
    private TestDatabase Db => fixture.Database;

    private static readonly CancellationToken None = CancellationToken.None;

    private async Task<AmendmentDetail> DetailAsync(AmendmentCase c, Guid id) =>
        (await AsAsync(Db, c.Clerk, sp => sp.GetRequiredService<GetAmendmentHandler>().HandleAsync(new GetAmendmentQuery(id), None))).Value!;

    private async Task RouteToAuthorAsync(AmendmentCase c, Guid id)
    {
        var detail = await DetailAsync(c, id);
        detail.Suggestions.ShouldContain(s => s.PractitionerId == c.Stay.PractitionerId && s.Why == "wrote the note");
        var routed = await AsAsync(Db, c.Clerk, sp => sp.GetRequiredService<RouteAmendmentHandler>()
            .HandleAsync(new RouteAmendmentCommand(id, c.Stay.PractitionerId, null, detail.Version), None));
        routed.Error.ShouldBeNull();
    }

    private async Task<MyAmendmentView> MineAsync(AmendmentCase c, Guid id) =>
        (await AsAsync(Db, c.Patient, sp => sp.GetRequiredService<ListMyAmendmentsHandler>().HandleAsync(new ListMyAmendmentsQuery(c.Stay.PatientId), None)))
        .Value!.Rows.Single(r => r.Id == id);

    private static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join(" ", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }

    [Fact]
    public async Task A_correction_accepted_is_appended_linked_to_the_item_and_sent_to_the_people_named_through_the_real_SMTP_server()
    {
        var c = await CaseAsync(Db);
        var asked = await AskAsync(Db, c, new NamedRecipient("Dr. Family Doctor", "family.doctor@clinic.example"),
            new NamedRecipient("Old Town Clinic", "1 Main Street\nSpringfield"), new NamedRecipient(null, null));
        asked.Display.ShouldStartWith("AMD-");
        var mine = await MineAsync(c, asked.Id);
        mine.Status.ShouldBe(AmendmentStatuses.Received);
        mine.DueAt.ShouldBe(mine.ReceivedAt.AddDays(60));
        mine.Due.ShouldBe(AmendmentDue.OnTime);

        // HIM sees it in the queue, routes it to the note's author, who finds it in their inbox.
        var queue = await AsAsync(Db, c.Clerk, sp => sp.GetRequiredService<ListAmendmentQueueHandler>().HandleAsync(new ListAmendmentQueueQuery(), None));
        queue.Value!.Rows.ShouldContain(r => r.Id == asked.Id && r.Status == AmendmentStatuses.Received);
        await RouteToAuthorAsync(c, asked.Id);
        var inbox = await AsAsync(Db, c.Stay.Physician, sp => sp.GetRequiredService<ListAmendmentInboxHandler>().HandleAsync(new ListAmendmentInboxQuery(), None));
        inbox.Value!.Rows.ShouldContain(r => r.Id == asked.Id);

        var open = await AsAsync(Db, c.Stay.Physician, sp => sp.GetRequiredService<OpenAmendmentHandler>().HandleAsync(new OpenAmendmentQuery(asked.Id), None));
        open.Value!.ItemText.ShouldBe(InboxWorld.NoteText);
        var accepted = await AsAsync(Db, c.Stay.Physician, sp => sp.GetRequiredService<AcceptAmendmentHandler>()
            .HandleAsync(new AcceptAmendmentCommand(asked.Id, "The operation was a cholecystectomy (gallbladder removed), not an appendectomy.", open.Value.Version), None));
        accepted.Error.ShouldBeNull();
        accepted.Value!.Recipients.ShouldBe(2);

        // The amendment is a new signed document linked to the note (relatesTo appends, context.related); the note is unchanged.
        var resource = JsonNode.Parse(await Db.ScalarAsync<string>($"SELECT resource::text FROM clinical.clinical_notes WHERE id = '{accepted.Value.DocumentId}'"))!;
        resource["type"]!["coding"]![0]!["code"]!.GetValue<string>().ShouldBe(ClinicalRecordWriter.AmendmentTypeCode);
        resource["relatesTo"]![0]!["code"]!.GetValue<string>().ShouldBe("appends");
        resource["context"]!["related"]![0]!["reference"]!.GetValue<string>().ShouldStartWith("DocumentReference/");
        (await Db.ScalarAsync<string>($"SELECT text FROM clinical.clinical_notes WHERE id = '{c.Stay.NoteId}'")).ShouldBe(InboxWorld.NoteText);
        (await Db.ScalarAsync<string>($"SELECT status FROM portal.amendments WHERE id = '{asked.Id}'")).ShouldBe(AmendmentStatuses.Accepted);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM jobs.jobs WHERE kind = '{SendAmendmentNoticesJob.Kind}' AND payload->>'amendmentId' = '{asked.Id}'")).ShouldBe(1);

        // The job's work: the e-mail through a real SMTP server, the postal address as a letter to print.
        await using var mail = new MailServer();
        var sent = await AsAsync(Db, c.Stay.Physician, sp => sp.GetRequiredService<SendAmendmentNoticesHandler>()
            .HandleAsync(new SendAmendmentNoticesCommand(asked.Id), None), mail.Settings());
        sent.Error.ShouldBeNull();
        sent.Value.ShouldBe(new AmendmentNoticesSent(1, 1));
        var message = await mail.WaitForAsync("family.doctor@clinic.example");
        message.Subject.ShouldBe(SendAmendmentNoticesHandler.Subject);
        (message.TextBody ?? "").ShouldContain("cholecystectomy");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM portal.amendment_recipients WHERE amendment_id = '{asked.Id}' AND sent_at IS NOT NULL")).ShouldBe(2);
        (await Db.ScalarAsync<string>($"SELECT sent_how FROM portal.amendment_recipients WHERE amendment_id = '{asked.Id}' AND name = 'Old Town Clinic'")).ShouldBe("letter");

        // Sent once: a second run (a retried job) sends nothing more.
        var again = await AsAsync(Db, c.Stay.Physician, sp => sp.GetRequiredService<SendAmendmentNoticesHandler>()
            .HandleAsync(new SendAmendmentNoticesCommand(asked.Id), None), mail.Settings());
        again.Value.ShouldBe(new AmendmentNoticesSent(0, 0));
        (await MineAsync(c, asked.Id)).Status.ShouldBe(AmendmentStatuses.Accepted);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{asked.Id}' AND details LIKE 'completion.amendment-accept%'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_denial_sends_a_letter_the_patient_files_a_disagreement_HIM_rebuts_and_a_later_packet_carries_them()
    {
        var c = await CaseAsync(Db);
        var asked = await AskAsync(Db, c);
        await RouteToAuthorAsync(c, asked.Id);
        var open = await AsAsync(Db, c.Stay.Physician, sp => sp.GetRequiredService<OpenAmendmentHandler>().HandleAsync(new OpenAmendmentQuery(asked.Id), None));
        var unknownGround = await AsAsync(Db, c.Stay.Physician, sp => sp.GetRequiredService<DenyAmendmentHandler>()
            .HandleAsync(new DenyAmendmentCommand(asked.Id, "i-disagree", "No.", open.Value!.Version), None));
        unknownGround.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        var denied = await AsAsync(Db, c.Stay.Physician, sp => sp.GetRequiredService<DenyAmendmentHandler>()
            .HandleAsync(new DenyAmendmentCommand(asked.Id, AmendmentDenialGrounds.AccurateAndComplete,
                "The pathology report confirms the appendix was removed.", open.Value!.Version), None));
        denied.Error.ShouldBeNull();

        var mine = await MineAsync(c, asked.Id);
        mine.Status.ShouldBe(AmendmentStatuses.Denied);
        mine.HasDenialLetter.ShouldBeTrue();
        mine.MayDisagree.ShouldBeTrue();
        var letter = await AsAsync(Db, c.Patient, sp => sp.GetRequiredService<GetAmendmentLetterHandler>()
            .HandleAsync(new GetAmendmentLetterQuery(c.Stay.PatientId, asked.Id, AmendmentLetterKinds.Denial), None));
        await Qpdf.CheckAsync(letter.Value!.Content);
        var text = Text(letter.Value.Content);
        text.ShouldContain("accurate and complete");
        text.ShouldContain("pathology report confirms");
        text.ShouldContain("statement of disagreement");
        text.ShouldContain("include your request and this denial");
        text.ShouldContain("Office for");
        text.ShouldContain("(555) 010-0100");

        var tooLong = await AsAsync(Db, c.Patient, sp => sp.GetRequiredService<FileDisagreementHandler>()
            .HandleAsync(new FileDisagreementCommand(c.Stay.PatientId, asked.Id, new string('x', FileDisagreementValidator.MaxLength + 1), mine.Version), None));
        tooLong.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        var filed = await AsAsync(Db, c.Patient, sp => sp.GetRequiredService<FileDisagreementHandler>()
            .HandleAsync(new FileDisagreementCommand(c.Stay.PatientId, asked.Id, "My surgeon told me it was my gallbladder; the scar is on the right upper side.", mine.Version), None));
        filed.Error.ShouldBeNull();
        var twice = await AsAsync(Db, c.Patient, sp => sp.GetRequiredService<FileDisagreementHandler>()
            .HandleAsync(new FileDisagreementCommand(c.Stay.PatientId, asked.Id, "Again.", filed.Value), None));
        twice.Error!.Kind.ShouldBe(ErrorKind.Conflict);

        var queue = await AsAsync(Db, c.Clerk, sp => sp.GetRequiredService<ListAmendmentQueueHandler>().HandleAsync(new ListAmendmentQueueQuery(), None));
        queue.Value!.Disagreements.ShouldContain(r => r.Id == asked.Id);
        var detail = await DetailAsync(c, asked.Id);
        detail.MayRebut.ShouldBeTrue();
        var rebutted = await AsAsync(Db, c.Clerk, sp => sp.GetRequiredService<WriteRebuttalHandler>()
            .HandleAsync(new WriteRebuttalCommand(asked.Id, "The operative note and the pathology report both describe an appendix.", detail.Version), None));
        rebutted.Error.ShouldBeNull();
        var copy = await AsAsync(Db, c.Patient, sp => sp.GetRequiredService<GetAmendmentLetterHandler>()
            .HandleAsync(new GetAmendmentLetterQuery(c.Stay.PatientId, asked.Id, AmendmentLetterKinds.Rebuttal), None));
        await Qpdf.CheckAsync(copy.Value!.Content);
        Text(copy.Value.Content).ShouldContain("pathology report both describe");

        // A later release of the record carries the request, the denial, the statement and the rebuttal (164.526(d)(5)).
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "record.pdf");
        var mrn = await Db.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{c.Stay.PatientId}'");
        var run = await CliRunner.RunAsync(Db, null, "export", "--patient", mrn, "--format", "pdf", "--out", file);
        run.ExitCode.ShouldBe(0, run.Error);
        var packet = await File.ReadAllBytesAsync(file);
        await Qpdf.CheckAsync(packet);
        var packetText = Text(packet);
        packetText.ShouldContain(asked.Display);
        packetText.ShouldContain("statement of disagreement");
        packetText.ShouldContain("scar is on the right upper side");
        packetText.ShouldContain("both describe an appendix");
    }

    [Fact]
    public async Task HIM_extends_once_with_a_notice_letter_and_the_clock_moves_by_the_extension_days()
    {
        var c = await CaseAsync(Db);
        var asked = await AskAsync(Db, c);
        var detail = await DetailAsync(c, asked.Id);
        var empty = await AsAsync(Db, c.Clerk, sp => sp.GetRequiredService<ExtendAmendmentHandler>()
            .HandleAsync(new ExtendAmendmentCommand(asked.Id, " ", detail.Version), None));
        empty.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        var extended = await AsAsync(Db, c.Clerk, sp => sp.GetRequiredService<ExtendAmendmentHandler>()
            .HandleAsync(new ExtendAmendmentCommand(asked.Id, "The author is on leave until next month.", detail.Version), None));
        extended.Error.ShouldBeNull();
        var stale = await AsAsync(Db, c.Clerk, sp => sp.GetRequiredService<ExtendAmendmentHandler>()
            .HandleAsync(new ExtendAmendmentCommand(asked.Id, "Again.", detail.Version), None));
        stale.Error!.Kind.ShouldBe(ErrorKind.Conflict);
        var again = await AsAsync(Db, c.Clerk, sp => sp.GetRequiredService<ExtendAmendmentHandler>()
            .HandleAsync(new ExtendAmendmentCommand(asked.Id, "Again.", extended.Value), None));
        again.Error!.Kind.ShouldBe(ErrorKind.Conflict);

        var mine = await MineAsync(c, asked.Id);
        mine.DueAt.ShouldBe(mine.ReceivedAt.AddDays(90));
        mine.ExtensionReason.ShouldBe("The author is on leave until next month.");
        mine.HasExtensionLetter.ShouldBeTrue();
        var letter = await AsAsync(Db, c.Patient, sp => sp.GetRequiredService<GetAmendmentLetterHandler>()
            .HandleAsync(new GetAmendmentLetterQuery(c.Stay.PatientId, asked.Id, AmendmentLetterKinds.Extension), None));
        await Qpdf.CheckAsync(letter.Value!.Content);
        var text = Text(letter.Value.Content);
        text.ShouldContain("on leave until next month");
        text.ShouldContain("164.526(b)(2)(ii)");

        // Routing by an NPI the record does not know is refused on the field.
        var unknown = await AsAsync(Db, c.Clerk, sp => sp.GetRequiredService<RouteAmendmentHandler>()
            .HandleAsync(new RouteAmendmentCommand(asked.Id, null, "0000000000", extended.Value), None));
        unknown.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        var byNpi = await AsAsync(Db, c.Clerk, sp => sp.GetRequiredService<RouteAmendmentHandler>()
            .HandleAsync(new RouteAmendmentCommand(asked.Id, null, c.Stay.Npi, extended.Value), None));
        byNpi.Error.ShouldBeNull();
        (await DetailAsync(c, asked.Id)).History.Select(h => h.Kind).ShouldBe(["received", "extended", "routed"]);
    }

    [Fact]
    public async Task The_author_sees_only_requests_routed_to_them()
    {
        var c = await CaseAsync(Db);
        var asked = await AskAsync(Db, c);
        await RouteToAuthorAsync(c, asked.Id);
        await using var services = Db.Services();
        var otherNpi = await ClinicalData.UnrelatedNpiAsync(Db, c.Stay.PatientId);
        var other = await Personas.CreateAsync(services, Application.Access.Roles.Physician, npi: otherNpi);
        var theirs = await AsAsync(Db, other, sp => sp.GetRequiredService<ListAmendmentInboxHandler>().HandleAsync(new ListAmendmentInboxQuery(), None));
        theirs.Value!.Rows.ShouldNotContain(r => r.Id == asked.Id);
        var open = await AsAsync(Db, other, sp => sp.GetRequiredService<OpenAmendmentHandler>().HandleAsync(new OpenAmendmentQuery(asked.Id), None));
        open.Error!.Kind.ShouldBe(ErrorKind.NotFound);
        var accept = await AsAsync(Db, other, sp => sp.GetRequiredService<AcceptAmendmentHandler>()
            .HandleAsync(new AcceptAmendmentCommand(asked.Id, "Not mine to accept.", 0), None));
        accept.Error!.Kind.ShouldBe(ErrorKind.NotFound);
        var deny = await AsAsync(Db, other, sp => sp.GetRequiredService<DenyAmendmentHandler>()
            .HandleAsync(new DenyAmendmentCommand(asked.Id, AmendmentDenialGrounds.AccurateAndComplete, "Not mine.", 0), None));
        deny.Error!.Kind.ShouldBe(ErrorKind.NotFound);
        // The clerk's role holds no Completion.Sign: the inbox is refused to them.
        var clerk = await AsAsync(Db, c.Clerk, sp => sp.GetRequiredService<ListAmendmentInboxHandler>().HandleAsync(new ListAmendmentInboxQuery(), None));
        clerk.Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        (await Db.ScalarAsync<string>($"SELECT status FROM portal.amendments WHERE id = '{asked.Id}'")).ShouldBe(AmendmentStatuses.Routed);
    }

    [Fact]
    public async Task Another_patients_item_and_requests_are_refused_in_the_portal_and_audited()
    {
        var c = await CaseAsync(Db);
        var asked = await AskAsync(Db, c);
        await using var services = Db.Services();
        var cortes = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var stranger = await PatientAccountAsync(Db, services, cortes);
        var cortesNote = await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE patient_id = '{cortes}' ORDER BY id LIMIT 1");

        // The stranger's own record, with the other patient's item: not found, audited.
        var item = await AsAsync(Db, stranger, sp => sp.GetRequiredService<GetAmendableItemHandler>()
            .HandleAsync(new GetAmendableItemQuery(cortes, "DocumentReference", c.Stay.NoteId), None));
        item.Error!.Kind.ShouldBe(ErrorKind.NotFound);
        var ask = await AsAsync(Db, stranger, sp => sp.GetRequiredService<RequestAmendmentHandler>()
            .HandleAsync(new RequestAmendmentCommand(cortes, "DocumentReference", c.Stay.NoteId, "Change it.", "Because.", []), None));
        ask.Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{c.Stay.NoteId}' AND outcome = 'denied' AND details LIKE 'portal.amendment-%'"))
            .ShouldBeGreaterThanOrEqualTo(2);

        // The other patient's record itself: refused by the gate, audited, nothing shown.
        var list = await AsAsync(Db, stranger, sp => sp.GetRequiredService<ListMyAmendmentsHandler>().HandleAsync(new ListMyAmendmentsQuery(c.Stay.PatientId), None));
        list.Error!.Kind.ShouldBe(ErrorKind.NotFound);
        var letter = await AsAsync(Db, stranger, sp => sp.GetRequiredService<GetAmendmentLetterHandler>()
            .HandleAsync(new GetAmendmentLetterQuery(c.Stay.PatientId, asked.Id, AmendmentLetterKinds.Denial), None));
        letter.Error!.Kind.ShouldBe(ErrorKind.NotFound);
        var viaOwn = await AsAsync(Db, stranger, sp => sp.GetRequiredService<GetAmendmentLetterHandler>()
            .HandleAsync(new GetAmendmentLetterQuery(cortes, asked.Id, AmendmentLetterKinds.Denial), None));
        viaOwn.Error!.Kind.ShouldBe(ErrorKind.NotFound);
        var disagree = await AsAsync(Db, stranger, sp => sp.GetRequiredService<FileDisagreementHandler>()
            .HandleAsync(new FileDisagreementCommand(cortes, asked.Id, "Not mine.", 0), None));
        disagree.Error!.Kind.ShouldBe(ErrorKind.NotFound);
        var other = await AsAsync(Db, stranger, sp => sp.GetRequiredService<GetAmendableItemHandler>()
            .HandleAsync(new GetAmendableItemQuery(c.Stay.PatientId, "DocumentReference", c.Stay.NoteId), None));
        other.Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE patient_id = '{c.Stay.PatientId}' AND user_id = '{stranger.Id}' AND outcome = 'denied'"))
            .ShouldBeGreaterThanOrEqualTo(2);

        // Their own item works, and a psychotherapy note never does.
        if (cortesNote != Guid.Empty)
        {
            var own = await AsAsync(Db, stranger, sp => sp.GetRequiredService<GetAmendableItemHandler>()
                .HandleAsync(new GetAmendableItemQuery(cortes, "DocumentReference", cortesNote), None));
            own.Error.ShouldBeNull();
            await Db.ExecuteAsync($"""
                INSERT INTO access.item_sensitivity_labels (id, patient_id, resource_type, resource_id, label_code, source, labelled_at)
                VALUES ('{Guid.CreateVersion7()}', '{cortes}', 'DocumentReference', '{cortesNote}', 'PSYTHPN', 'manual', now())
                """);
            var psychotherapy = await AsAsync(Db, stranger, sp => sp.GetRequiredService<GetAmendableItemHandler>()
                .HandleAsync(new GetAmendableItemQuery(cortes, "DocumentReference", cortesNote), None));
            psychotherapy.Error!.Kind.ShouldBe(ErrorKind.NotFound);
        }
    }
}
