using System.Net;
using HimPortal.Tests.Completion.Amendments;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Portal;

/// <summary>The portal's corrections pages (issue 19 item 5) through the real portal host: ask, follow, and another person's ids refused.</summary>
public sealed class CorrectionsPagesTests : IAsyncLifetime
{
    private readonly AmendmentDatabase _fixture = new();
    private PortalFactory _portal = null!;

    private TestDatabase Db => _fixture.Database;

    public async Task InitializeAsync()
    {
        await _fixture.InitializeAsync();
        _portal = new PortalFactory(Db);
        _ = _portal.Server;
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _fixture.DisposeAsync();
    }

    private async Task<HttpClient> SignedInAsync(Persona persona)
    {
        var client = _portal.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    [Fact]
    public async Task The_patient_asks_for_a_correction_of_a_note_and_follows_it_with_its_due_date()
    {
        var c = await AmendmentWorld.CaseAsync(Db);
        using var client = await SignedInAsync(c.Patient);
        var form = $"/Corrections/New?resourceType=DocumentReference&resourceId={c.Stay.NoteId}";
        var html = await client.GetStringAsync(new Uri(form, UriKind.Relative));
        html.ShouldContain("data-testid=\"correction-form\"");
        html.ShouldContain("Surgical operation note");

        var empty = await HimPortalFactory.PostFormAsync(client, form, form, new() { ["ResourceType"] = "DocumentReference", ["ResourceId"] = c.Stay.NoteId.ToString() });
        empty.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await empty.Content.ReadAsStringAsync()).ShouldContain("Say what should change");

        var posted = await HimPortalFactory.PostFormAsync(client, form, form, new()
        {
            ["ResourceType"] = "DocumentReference",
            ["ResourceId"] = c.Stay.NoteId.ToString(),
            ["RequestedChange"] = "It was my gallbladder, not my appendix.",
            ["Reason"] = "I had a cholecystectomy.",
            ["Recipients[0].Name"] = "Dr. Family Doctor",
            ["Recipients[0].Address"] = "family.doctor@clinic.example",
        });
        posted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var list = await client.GetStringAsync(new Uri("/Corrections", UriKind.Relative));
        list.ShouldContain("data-testid=\"correction\" data-status=\"received\"");
        list.ShouldContain("We will answer by");
        list.ShouldContain("It was my gallbladder");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM portal.amendment_recipients r JOIN portal.amendments a ON a.id = r.amendment_id WHERE a.resource_id = '{c.Stay.NoteId}'"))
            .ShouldBe(1);
        (await client.GetStringAsync(new Uri(form, UriKind.Relative))).ShouldContain("data-testid=\"correction-open\"");
    }

    [Fact]
    public async Task Another_patients_item_request_and_letters_are_not_found_in_the_portal_and_audited()
    {
        var c = await AmendmentWorld.CaseAsync(Db);
        var asked = await AmendmentWorld.AskAsync(Db, c);
        await using var services = Db.Services();
        var cortes = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var stranger = await AmendmentWorld.PatientAccountAsync(Db, services, cortes);
        using var client = await SignedInAsync(stranger);

        (await client.GetAsync(new Uri($"/Corrections/New?resourceType=DocumentReference&resourceId={c.Stay.NoteId}", UriKind.Relative)))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        foreach (var kind in new[] { "denial", "extension", "rebuttal" })
        {
            (await client.GetAsync(new Uri($"/Corrections/Letter?id={asked.Id}&kind={kind}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        var list = await client.GetStringAsync(new Uri("/Corrections", UriKind.Relative));
        list.ShouldNotContain(asked.Display);
        list.ShouldContain("data-testid=\"no-corrections\"");
        // The stranger's list has no form of its own: the antiforgery token comes from their own correction form (one of their visits).
        var ownVisit = await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.encounters WHERE patient_id = '{cortes}' ORDER BY id LIMIT 1");
        var disagree = await HimPortalFactory.PostFormAsync(client, $"/Corrections/New?resourceType=Encounter&resourceId={ownVisit}", "/Corrections?handler=Disagree", new()
        {
            ["amendmentId"] = asked.Id.ToString(), ["statement"] = "Not mine.", ["version"] = "0",
        });
        disagree.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM portal.amendments WHERE id = '{asked.Id}' AND disagreement_at IS NOT NULL")).ShouldBe(0);
        var include = await HimPortalFactory.PostFormAsync(client, $"/Corrections/New?resourceType=Encounter&resourceId={ownVisit}", "/Corrections?handler=Include", new()
        {
            ["amendmentId"] = asked.Id.ToString(), ["version"] = "0",
        });
        include.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM portal.amendments WHERE id = '{asked.Id}' AND include_with_disclosures_at IS NOT NULL")).ShouldBe(0);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{stranger.Id}' AND outcome = 'denied' AND details LIKE 'portal.amendment-%'"))
            .ShouldBeGreaterThanOrEqualTo(5);
    }

    [Fact]
    public async Task After_a_denial_the_patient_asks_on_Corrections_that_the_request_and_the_denial_go_with_the_item()
    {
        var c = await AmendmentWorld.CaseAsync(Db);
        var asked = await AmendmentWorld.AskAsync(Db, c);
        await AmendmentWorld.DenyAsync(Db, c, asked.Id, await AmendmentWorld.RouteAsync(Db, c, asked.Id));
        using var client = await SignedInAsync(c.Patient);
        var list = await client.GetStringAsync(new Uri("/Corrections", UriKind.Relative));
        list.ShouldContain("data-testid=\"include-form\"");
        list.ShouldContain("Include my request and the denial whenever this item is shared");
        var version = await Db.ScalarAsync<long>($"SELECT xmin::text::bigint FROM portal.amendments WHERE id = '{asked.Id}'");
        var posted = await HimPortalFactory.PostFormAsync(client, "/Corrections", "/Corrections?handler=Include", new()
        {
            ["amendmentId"] = asked.Id.ToString(), ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        posted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await client.GetStringAsync(new Uri("/Corrections", UriKind.Relative));
        after.ShouldContain("data-testid=\"include-recorded\"");
        after.ShouldNotContain("data-testid=\"include-form\"");
        after.ShouldContain("data-testid=\"disagree-form\"");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM portal.amendments WHERE id = '{asked.Id}' AND include_with_disclosures_at IS NOT NULL")).ShouldBe(1);
    }
}
