using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Completion.Inbox;
using HimPortal.Application.Completion.Inbox.GetDraft;
using HimPortal.Application.Completion.Inbox.GetInbox;
using HimPortal.Application.Completion.Inbox.OpenDeficiency;
using HimPortal.Application.Completion.Inbox.RefuseDeficiency;
using HimPortal.Application.Completion.Inbox.SaveDraft;
using HimPortal.Application.Completion.Inbox.SignDeficiency;
using HimPortal.Application.Completion.Inbox.SignDraft;
using HimPortal.Application.Completion.Inbox.StartDraft;
using HimPortal.Application.Roi.Packets;
using HimPortal.Data;
using HimPortal.Data.Completion;
using HimPortal.Data.Identity;
using HimPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Completion.Inbox;

/// <summary>The physician's inbox and its actions (issue 18 item 3), through the handlers on a real database.</summary>
public sealed class InboxTests(ChartDatabase chart) : IClassFixture<ChartDatabase>
{
    private TestDatabase Db => chart.Database;

    private static readonly DateTimeOffset Discharged = DateTimeOffset.UtcNow.AddDays(-5);

    private async Task<T> AsAsync<T>(InboxStay stay, Func<IServiceProvider, Task<T>> act, TimeProvider? clock = null)
    {
        await using var services = InboxWorld.AsPhysician(Db, stay.Physician, clock);
        await using var scope = services.CreateAsyncScope();
        return await act(scope.ServiceProvider);
    }

    private Task<InboxStay> StayAsync()
    {
        var services = Db.Services();
        return InboxWorld.StayAsync(Db, services, Discharged);
    }

    [Fact]
    public async Task The_inbox_lists_the_physicians_open_deficiencies_oldest_first_with_marks_and_pages_by_keyset()
    {
        var stay = await StayAsync();
        var now = DateTimeOffset.UtcNow;
        var oldest = await InboxWorld.DeficiencyAsync(Db, stay, DeficiencyKinds.Signature, now.AddDays(-1), documentId: stay.NoteId,
            delinquentAt: now.AddDays(-1), dischargedAt: Discharged.AddDays(-2));
        var middle = await InboxWorld.DeficiencyAsync(Db, stay, DeficiencyKinds.OrderAuthentication, now.AddHours(20), orderId: stay.OrderId, dischargedAt: Discharged.AddDays(-1));
        var newest = await InboxWorld.DeficiencyAsync(Db, stay, DeficiencyKinds.MissingDocument, now.AddDays(10), documentType: "18842-5");
        var someoneElses = await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.practitioners WHERE id <> '{stay.PractitionerId}' ORDER BY id LIMIT 1");
        await InboxWorld.DeficiencyAsync(Db, stay, DeficiencyKinds.MissingDocument, now.AddDays(1), responsible: someoneElses, documentType: "34117-2");

        var first = await AsAsync(stay, sp => sp.GetRequiredService<GetInboxHandler>().HandleAsync(new GetInboxQuery(PageSize: 2), CancellationToken.None));
        first.Error.ShouldBeNull();
        first.Value!.Linked.ShouldBeTrue();
        first.Value.Rows.Select(r => r.DeficiencyId).ShouldBe([oldest, middle]);
        first.Value.Rows[0].Overdue.ShouldBeTrue();
        first.Value.Rows[0].Delinquent.ShouldBeTrue();
        first.Value.Rows[1].DueSoon.ShouldBeTrue();
        first.Value.Rows[1].Overdue.ShouldBeFalse();
        first.Value.Rows[0].RuleName.ShouldBeNull();
        first.Value.NextAfter.ShouldNotBeNull();

        var second = await AsAsync(stay, sp => sp.GetRequiredService<GetInboxHandler>().HandleAsync(new GetInboxQuery(first.Value.NextAfter, 2), CancellationToken.None));
        second.Value!.Rows.Select(r => r.DeficiencyId).ShouldBe([newest]);
        second.Value.NextAfter.ShouldBeNull();
        second.Value.Rows[0].Writes.ShouldBeTrue();
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{stay.Physician.Id}' AND purpose = 'completion.inbox'")).ShouldBe(2);
    }

    [Fact]
    public async Task A_physician_with_no_npi_link_is_told_so()
    {
        var physician = await Personas.CreateAsync(Db.Services(), Roles.Physician);
        var stay = new InboxStay(Guid.Empty, Guid.Empty, Guid.Empty, "", Guid.Empty, Guid.Empty, physician, Discharged);
        var page = await AsAsync(stay, sp => sp.GetRequiredService<GetInboxHandler>().HandleAsync(new GetInboxQuery(), CancellationToken.None));
        page.Value!.Linked.ShouldBeFalse();
        page.Value.Rows.ShouldBeEmpty();
    }

    [Fact]
    public async Task Signing_records_who_when_and_the_hash_of_what_was_shown_and_the_note_is_never_changed_again()
    {
        var stay = await StayAsync();
        var deficiency = await InboxWorld.DeficiencyAsync(Db, stay, DeficiencyKinds.Signature, DateTimeOffset.UtcNow.AddDays(3), documentId: stay.NoteId);
        var view = await AsAsync(stay, sp => sp.GetRequiredService<OpenDeficiencyHandler>().HandleAsync(new OpenDeficiencyQuery(deficiency), CancellationToken.None));
        view.Status.ShouldBe(ChartReadStatus.Shown);
        var content = view.Content!.Content!;
        content.Text.ShouldBe(InboxWorld.NoteText);
        content.Hex.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(InboxWorld.NoteText))));

        var signed = await AsAsync(stay, sp => sp.GetRequiredService<SignDeficiencyHandler>().HandleAsync(
            new SignDeficiencyCommand(deficiency, view.Content.Version, content.Hex, true, new SignerProof(stay.Physician.Password, null, null)), CancellationToken.None));

        signed.Error.ShouldBeNull();
        signed.Value!.Method.ShouldBe(SignatureMethods.Password);
        (await Db.ScalarAsync<string>($"""
            SELECT s.signer_user_id || '|' || s.practitioner_id || '|' || encode(s.sha256, 'hex') || '|' || s.content_description || '|' || (s.signed_at > now() - interval '1 minute')
            FROM completion.signatures s WHERE s.resource_type = 'DocumentReference' AND s.resource_id = '{stay.NoteId}'
            """)).ShouldBe($"{stay.Physician.Id}|{stay.PractitionerId}|{content.Hex}|{SignedContent.NoteText}|true");
        (await Db.ScalarAsync<string>($"SELECT doc_status || '|' || authenticator_id || '|' || (resource::jsonb ->> 'docStatus') || '|' || (resource::jsonb -> 'authenticator' ->> 'reference' IS NOT NULL) FROM clinical.clinical_notes WHERE id = '{stay.NoteId}'"))
            .ShouldBe($"final|{stay.PractitionerId}|final|true");
        (await Db.ScalarAsync<string>($"SELECT status || '|' || resolution || '|' || resolved_by FROM completion.deficiencies WHERE id = '{deficiency}'"))
            .ShouldBe($"resolved|signed|{stay.Physician.Id}");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM completion.deficiency_events WHERE deficiency_id = '{deficiency}' AND kind = 'resolved'")).ShouldBe(1);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM completion.analysis_queue WHERE encounter_id = '{stay.EncounterId}'")).ShouldBe(1);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE purpose = 'completion.sign' AND resource_id = '{stay.NoteId}'")).ShouldBe(1);

        // A signed document is never edited again (42 CFR 482.24(c)(1)): PostgreSQL refuses it, whoever asks.
        var edit = await Should.ThrowAsync<Npgsql.PostgresException>(() => Db.ExecuteAsync($"UPDATE clinical.clinical_notes SET text = 'changed' WHERE id = '{stay.NoteId}'"));
        edit.MessageText.ShouldContain("never edited again");
    }

    [Fact]
    public async Task A_wrong_password_or_code_is_refused_audited_and_changes_nothing()
    {
        var stay = await StayAsync();
        var deficiency = await InboxWorld.DeficiencyAsync(Db, stay, DeficiencyKinds.Signature, DateTimeOffset.UtcNow.AddDays(3), documentId: stay.NoteId);
        var view = await AsAsync(stay, sp => sp.GetRequiredService<OpenDeficiencyHandler>().HandleAsync(new OpenDeficiencyQuery(deficiency), CancellationToken.None));
        var hex = view.Content!.Content!.Hex;

        foreach (var proof in new[] { new SignerProof("not-the-password", null, null), new SignerProof(null, "123456", null), new SignerProof(null, null, DateTimeOffset.UtcNow) })
        {
            var refused = await AsAsync(stay, sp => sp.GetRequiredService<SignDeficiencyHandler>().HandleAsync(
                new SignDeficiencyCommand(deficiency, view.Content.Version, hex, true, proof), CancellationToken.None));
            refused.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        }

        var unattested = await AsAsync(stay, sp => sp.GetRequiredService<SignDeficiencyHandler>().HandleAsync(
            new SignDeficiencyCommand(deficiency, view.Content.Version, hex, false, new SignerProof(stay.Physician.Password, null, null)), CancellationToken.None));
        unattested.Error!.Message.ShouldContain("attestation");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM completion.signatures WHERE resource_id = '{stay.NoteId}'")).ShouldBe(0);
        (await Db.ScalarAsync<string>($"SELECT doc_status FROM clinical.clinical_notes WHERE id = '{stay.NoteId}'")).ShouldBe("preliminary");
        (await Db.ScalarAsync<string>($"SELECT status FROM completion.deficiencies WHERE id = '{deficiency}'")).ShouldBe("open");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE purpose = 'completion.reauthentication-refused' AND user_id = '{stay.Physician.Id}'")).ShouldBe(3);
    }

    [Fact]
    public async Task A_single_sign_on_account_signs_only_after_a_fresh_sign_in_at_the_provider()
    {
        var stay = await StayAsync();
        var deficiency = await InboxWorld.DeficiencyAsync(Db, stay, DeficiencyKinds.OrderAuthentication, DateTimeOffset.UtcNow.AddDays(3), orderId: stay.OrderId);
        await AsAsync(stay, async sp =>
        {
            var users = sp.GetRequiredService<UserManager<HimUser>>();
            var user = await users.FindByIdAsync(stay.Physician.Id.ToString("D"));
            (await users.AddLoginAsync(user!, new UserLoginInfo("oidc", "sub-" + stay.Npi, "Hospital sign-in"))).Succeeded.ShouldBeTrue();
            return true;
        });
        var view = await AsAsync(stay, sp => sp.GetRequiredService<OpenDeficiencyHandler>().HandleAsync(new OpenDeficiencyQuery(deficiency), CancellationToken.None));
        var hex = view.Content!.Content!.Hex;

        var stale = await AsAsync(stay, sp => sp.GetRequiredService<SignDeficiencyHandler>().HandleAsync(
            new SignDeficiencyCommand(deficiency, view.Content.Version, hex, true, new SignerProof(null, null, DateTimeOffset.UtcNow.AddMinutes(-6))), CancellationToken.None));
        stale.Error!.Message.ShouldContain("identity provider");

        var fresh = await AsAsync(stay, sp => sp.GetRequiredService<SignDeficiencyHandler>().HandleAsync(
            new SignDeficiencyCommand(deficiency, view.Content.Version, hex, true, new SignerProof(null, null, DateTimeOffset.UtcNow.AddMinutes(-1))), CancellationToken.None));
        fresh.Error.ShouldBeNull();
        fresh.Value!.Method.ShouldBe(SignatureMethods.IdentityProvider);
        // A verbal order is signed on the MedicationRequest; the order row itself is not changed (482.24(c)(2)).
        (await Db.ScalarAsync<string>($"SELECT content_description FROM completion.signatures WHERE resource_type = 'MedicationRequest' AND resource_id = '{stay.OrderId}'"))
            .ShouldBe(SignedContent.OrderJson);
    }

    [Fact]
    public async Task An_authenticator_code_signs_once_and_is_refused_when_typed_again()
    {
        var stay = await StayAsync();
        var order = await InboxWorld.DeficiencyAsync(Db, stay, DeficiencyKinds.OrderAuthentication, DateTimeOffset.UtcNow.AddDays(3), orderId: stay.OrderId);
        var note = await InboxWorld.DeficiencyAsync(Db, stay, DeficiencyKinds.Signature, DateTimeOffset.UtcNow.AddDays(3), documentId: stay.NoteId);
        var code = await AsAsync(stay, async sp =>
        {
            var users = sp.GetRequiredService<UserManager<HimUser>>();
            var user = (await users.FindByIdAsync(stay.Physician.Id.ToString("D")))!;
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
            var key = await users.GetAuthenticatorKeyAsync(user);
            return HimPortal.Application.Access.Identity.Totp.Compute(HimPortal.Application.Access.Identity.Authenticator.SecretOf(key!),
                HimPortal.Application.Access.Identity.Totp.StepAt(DateTimeOffset.UtcNow));
        });

        async Task<Result<EntrySigned>> SignAsync(Guid deficiency) => await AsAsync(stay, async sp =>
        {
            var view = await sp.GetRequiredService<OpenDeficiencyHandler>().HandleAsync(new OpenDeficiencyQuery(deficiency), CancellationToken.None);
            return await sp.GetRequiredService<SignDeficiencyHandler>().HandleAsync(
                new SignDeficiencyCommand(deficiency, view.Content!.Version, view.Content.Content!.Hex, true, new SignerProof(null, code, null)), CancellationToken.None);
        });

        var first = await SignAsync(order);
        first.Error.ShouldBeNull();
        first.Value!.Method.ShouldBe(SignatureMethods.Totp);
        var replayed = await SignAsync(note);
        replayed.Error!.Message.ShouldContain("authenticator code");
        (await Db.ScalarAsync<string>($"SELECT status FROM completion.deficiencies WHERE id = '{note}'")).ShouldBe("open");
    }

    [Fact]
    public async Task A_missing_discharge_summary_is_written_from_the_stays_data_saved_as_a_draft_and_signed_into_the_record()
    {
        var stay = await StayAsync();
        var deficiency = await InboxWorld.DeficiencyAsync(Db, stay, DeficiencyKinds.MissingDocument, DateTimeOffset.UtcNow.AddDays(3), documentType: "18842-5");
        var started = await AsAsync(stay, sp => sp.GetRequiredService<StartDraftHandler>().HandleAsync(new StartDraftCommand(deficiency, null), CancellationToken.None));
        started.Error.ShouldBeNull();
        var again = await AsAsync(stay, sp => sp.GetRequiredService<StartDraftHandler>().HandleAsync(new StartDraftCommand(deficiency, null), CancellationToken.None));
        again.Value.ShouldBe(started.Value);
        var draft = await AsAsync(stay, sp => sp.GetRequiredService<GetDraftHandler>().HandleAsync(new GetDraftQuery(started.Value), CancellationToken.None));
        draft.Content!.Text.ShouldContain("DISCHARGE SUMMARY");
        draft.Content.Text.ShouldContain("Medications ordered:");
        draft.Content.Text.ShouldContain("Acetaminophen");

        var text = draft.Content.Text + "Recovered well; home on day 3.\n";
        var stale = await AsAsync(stay, sp => sp.GetRequiredService<SaveDraftHandler>().HandleAsync(new SaveDraftCommand(started.Value, text, draft.Content.Version + 1), CancellationToken.None));
        stale.Error!.Kind.ShouldBe(ErrorKind.Conflict);
        var saved = await AsAsync(stay, sp => sp.GetRequiredService<SaveDraftHandler>().HandleAsync(new SaveDraftCommand(started.Value, text, draft.Content.Version), CancellationToken.None));
        saved.Error.ShouldBeNull();

        var signed = await AsAsync(stay, sp => sp.GetRequiredService<SignDraftHandler>().HandleAsync(
            new SignDraftCommand(started.Value, saved.Value, true, new SignerProof(stay.Physician.Password, null, null)), CancellationToken.None));
        signed.Error.ShouldBeNull();
        var document = signed.Value!.DocumentId;
        (await Db.ScalarAsync<string>($"""
            SELECT type_code || '|' || doc_status || '|' || author_id || '|' || authenticator_id || '|' || encounter_id || '|' || (text = '{text.Replace("'", "''", StringComparison.Ordinal)}')
                   || '|' || (resource::jsonb ->> 'docStatus') || '|' || (resource::jsonb -> 'context' -> 'encounter' -> 0 ->> 'reference' IS NOT NULL)
            FROM clinical.clinical_notes WHERE id = '{document}'
            """)).ShouldBe($"18842-5|final|{stay.PractitionerId}|{stay.PractitionerId}|{stay.EncounterId}|true|final|true");
        (await Db.ScalarAsync<string>($"SELECT status || '|' || resolution FROM completion.deficiencies WHERE id = '{deficiency}'")).ShouldBe("resolved|written");
        (await Db.ScalarAsync<string>($"SELECT status FROM completion.drafts WHERE id = '{started.Value}'")).ShouldBe("signed");
        (await Db.ScalarAsync<string>($"SELECT encode(sha256, 'hex') FROM completion.signatures WHERE resource_id = '{document}'")).ShouldBe(signed.Value.Sha256);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE purpose = 'completion.write' AND resource_id = '{document}'")).ShouldBe(1);

        // Back out as FHIR: the release packet's bundle carries it as a DocumentReference, final, with its authenticator.
        await using var services = Db.Services();
        await using var scope = services.CreateAsyncScope();
        using var bundle = new MemoryStream();
        await FhirPacket.WriteAsync(scope.ServiceProvider.GetRequiredService<HimDbContext>(), stay.PatientId,
            [new ChosenItem(PacketItemTypes.Note, document.ToString("D"), "Discharge summary", null, [], [])], (_, _) => false, bundle, CancellationToken.None);
        var resource = JsonNode.Parse(bundle.ToArray())!["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["resourceType"] == "DocumentReference");
        ((string?)resource["docStatus"]).ShouldBe("final");
        ((string?)resource["type"]!["coding"]![0]!["code"]).ShouldBe("18842-5");
        resource["authenticator"].ShouldNotBeNull();
        Encoding.UTF8.GetString(Convert.FromBase64String((string)resource["content"]![0]!["attachment"]!["data"]!)).ShouldBe(text);
    }

    [Fact]
    public async Task An_addendum_appends_to_a_signed_document_which_stays_as_it_was()
    {
        var stay = await StayAsync();
        var deficiency = await InboxWorld.DeficiencyAsync(Db, stay, DeficiencyKinds.Signature, DateTimeOffset.UtcNow.AddDays(3), documentId: stay.NoteId);
        var unsigned = await AsAsync(stay, sp => sp.GetRequiredService<StartDraftHandler>().HandleAsync(new StartDraftCommand(null, stay.NoteId), CancellationToken.None));
        unsigned.Error!.Message.ShouldContain("Only a signed document");
        var view = await AsAsync(stay, sp => sp.GetRequiredService<OpenDeficiencyHandler>().HandleAsync(new OpenDeficiencyQuery(deficiency), CancellationToken.None));
        (await AsAsync(stay, sp => sp.GetRequiredService<SignDeficiencyHandler>().HandleAsync(
            new SignDeficiencyCommand(deficiency, view.Content!.Version, view.Content.Content!.Hex, true, new SignerProof(stay.Physician.Password, null, null)), CancellationToken.None)))
            .Error.ShouldBeNull();
        var original = await Db.ScalarAsync<string>($"SELECT resource::text FROM clinical.clinical_notes WHERE id = '{stay.NoteId}'");

        var started = await AsAsync(stay, sp => sp.GetRequiredService<StartDraftHandler>().HandleAsync(new StartDraftCommand(null, stay.NoteId), CancellationToken.None));
        started.Error.ShouldBeNull();
        var saved = await AsAsync(stay, async sp =>
        {
            var draft = await sp.GetRequiredService<GetDraftHandler>().HandleAsync(new GetDraftQuery(started.Value), CancellationToken.None);
            return await sp.GetRequiredService<SaveDraftHandler>().HandleAsync(new SaveDraftCommand(started.Value, "Addendum: drain removed on day 2.", draft.Content!.Version), CancellationToken.None);
        });
        var signed = await AsAsync(stay, sp => sp.GetRequiredService<SignDraftHandler>().HandleAsync(
            new SignDraftCommand(started.Value, saved.Value, true, new SignerProof(stay.Physician.Password, null, null)), CancellationToken.None));
        signed.Error.ShouldBeNull();

        var fhirId = await Db.ScalarAsync<string>($"SELECT fhir_id FROM clinical.clinical_notes WHERE id = '{stay.NoteId}'");
        (await Db.ScalarAsync<string>($"SELECT (resource::jsonb -> 'relatesTo' -> 0 ->> 'code') || '|' || (resource::jsonb -> 'relatesTo' -> 0 -> 'target' ->> 'reference') FROM clinical.clinical_notes WHERE id = '{signed.Value!.DocumentId}'"))
            .ShouldEndWith(fhirId);
        (await Db.ScalarAsync<string>($"SELECT resource::jsonb -> 'relatesTo' -> 0 ->> 'code' FROM clinical.clinical_notes WHERE id = '{signed.Value.DocumentId}'")).ShouldBe("appends");
        (await Db.ScalarAsync<string>($"SELECT resource::text FROM clinical.clinical_notes WHERE id = '{stay.NoteId}'")).ShouldBe(original);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE purpose = 'completion.addendum' AND resource_id = '{signed.Value.DocumentId}'")).ShouldBe(1);
    }

    [Fact]
    public async Task Not_my_patient_needs_a_reason_and_sends_the_deficiency_to_the_him_queue()
    {
        var stay = await StayAsync();
        var deficiency = await InboxWorld.DeficiencyAsync(Db, stay, DeficiencyKinds.MissingDocument, DateTimeOffset.UtcNow.AddDays(3), documentType: "18842-5");
        var version = (uint)await Db.ScalarAsync<long>($"SELECT xmin::text::bigint FROM completion.deficiencies WHERE id = '{deficiency}'");

        var bare = await AsAsync(stay, sp => sp.GetRequiredService<RefuseDeficiencyHandler>().HandleAsync(new RefuseDeficiencyCommand(deficiency, " ", version), CancellationToken.None));
        bare.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        var refused = await AsAsync(stay, sp => sp.GetRequiredService<RefuseDeficiencyHandler>().HandleAsync(
            new RefuseDeficiencyCommand(deficiency, "I did not discharge this patient.", version), CancellationToken.None));
        refused.Error.ShouldBeNull();

        (await Db.ScalarAsync<string>($"SELECT coalesce(responsible_practitioner_id::text, 'him') || '|' || refusal_reason || '|' || status FROM completion.deficiencies WHERE id = '{deficiency}'"))
            .ShouldBe("him|I did not discharge this patient.|open");
        (await Db.ScalarAsync<string>($"SELECT practitioner_id || '|' || note FROM completion.deficiency_events WHERE deficiency_id = '{deficiency}' AND kind = 'refused'"))
            .ShouldBe($"{stay.PractitionerId}|I did not discharge this patient.");
        var page = await AsAsync(stay, sp => sp.GetRequiredService<GetInboxHandler>().HandleAsync(new GetInboxQuery(), CancellationToken.None));
        page.Value!.Rows.ShouldNotContain(r => r.DeficiencyId == deficiency);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE purpose = 'completion.refuse' AND resource_id = '{stay.EncounterId}'")).ShouldBe(1);
    }
}
