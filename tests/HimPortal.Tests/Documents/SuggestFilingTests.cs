using HimPortal.Application.Access;
using HimPortal.Application.Documents.SuggestFiling;
using HimPortal.Application.Patients.Matching;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Documents;

/// <summary>Issue 15 item 5: what a page's text says about where the document belongs.</summary>
public sealed class FilingHintsTests
{
    [Fact]
    public void Mrn_like_tokens_and_dates_in_each_written_form_are_found()
    {
        const string text = "PATIENT: Jane Q. Doe   MRN: 7788123-A   DOB 03/14/1961\nSeen 2024-02-29 and again March 3, 2024. Ref 12. Call 555-0100.";

        FilingHints.MrnCandidates(text).ShouldContain("7788123-A");
        FilingHints.MrnCandidates(text).ShouldNotContain("12");
        FilingHints.Dates(text).ShouldBe([new DateOnly(1961, 3, 14), new DateOnly(2024, 2, 29), new DateOnly(2024, 3, 3)], ignoreOrder: true);
    }

    [Fact]
    public void Impossible_dates_are_not_candidates()
    {
        FilingHints.Dates("13/40/2020 02/30/2021 2023-02-29 1700-01-01").ShouldBeEmpty();
    }

    [Fact]
    public void Folded_text_matches_names_without_case_or_accents()
    {
        FilingHints.Folded("Armando CORTÉS, seen today.").ShouldContain(" cortes ");
    }
}

/// <summary>The suggestion query against the patient index: MRN first, then family name with birth date; types by heading.</summary>
public sealed class SuggestFilingTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await ClinicalData.ImportAsync(_db, ClinicalData.Smallest, ClinicalData.Cortes);
    }

    public Task DisposeAsync() => _db.DisposeAsync();

    /// <summary>A received file of one page with <paramref name="text"/>, as the render worker leaves it, in one unindexed document.</summary>
    private async Task<Guid> DocumentWithTextAsync(string? text)
    {
        var (file, page, document) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var quoted = text is null ? "NULL" : "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
        await _db.ExecuteAsync($"""
            INSERT INTO documents.received_files (id, sha256, source, received_at, original_name, length, media_type, page_count, status, stored)
            VALUES ('{file}', decode(md5('{file}'), 'hex'), 'fax-server', now(), 'fax.tif', 10, 'image/tiff', 1, 'split', true);
            INSERT INTO documents.pages (id, received_file_id, number, looks_blank, text, text_source, ocr_status)
            VALUES ('{page}', '{file}', 1, false, {quoted}, 'ocr', 'done');
            INSERT INTO documents.documents (id, received_file_id, status, received_at, source, page_count, bears_signature)
            VALUES ('{document}', '{file}', 'unindexed', now(), 'fax-server', 1, false);
            INSERT INTO documents.document_pages (document_id, page_id, ordinal, rotation) VALUES ('{document}', '{page}', 0, 0);
            """);
        return document;
    }

    private async Task<FilingSuggestions> SuggestAsync(Guid document, string role = Roles.HimClerk, string? name = null, DateOnly? birthDate = null)
    {
        await using var setup = _db.Services();
        var clerk = await Personas.CreateAsync(setup, role);
        var actor = new TestActor();
        actor.ActAs(clerk.Id, clerk.Email, role);
        await using var services = _db.Services(actor);
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SuggestFilingHandler>().HandleAsync(new SuggestFilingQuery(document, name, birthDate), CancellationToken.None);
        result.Error.ShouldBeNull();
        return result.Value!;
    }

    [Fact]
    public async Task An_MRN_on_the_page_suggests_its_patient_first_and_a_heading_suggests_the_type()
    {
        var mrn = await _db.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE fhir_id = '{ClinicalData.Cortes}'");
        var document = await DocumentWithTextAsync($"DISCHARGE SUMMARY\nPatient MRN {mrn}\nAttending: Dr. Someone");

        var suggestions = await SuggestAsync(document);

        suggestions.HasText.ShouldBeTrue();
        suggestions.Patients[0].PatientId.ShouldBe(await ClinicalData.PatientIdAsync(_db, ClinicalData.Cortes));
        suggestions.Patients[0].Why.ShouldStartWith("MRN ");
        suggestions.Types[0].Name.ShouldBe("Discharge summary");
        (await _db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE action = 'search' AND resource_id = '{document}'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_family_name_with_the_birth_date_suggests_the_patient()
    {
        var row = await _db.ScalarAsync<string>(
            $"SELECT family_name || '|' || to_char(birth_date, 'MM/DD/YYYY') FROM clinical.patients WHERE fhir_id = '{ClinicalData.Smallest}'");
        var (family, born) = (row.Split('|')[0], row.Split('|')[1]);
        var document = await DocumentWithTextAsync($"Progress note\nName: {family.ToUpperInvariant()}, X\nDOB: {born}");

        var suggestions = await SuggestAsync(document);

        var first = suggestions.Patients.ShouldHaveSingleItem();
        first.PatientId.ShouldBe(await ClinicalData.PatientIdAsync(_db, ClinicalData.Smallest));
        first.Why.ShouldContain("birth date on page 1");
    }

    [Fact]
    public async Task A_page_without_text_suggests_nothing()
    {
        var suggestions = await SuggestAsync(await DocumentWithTextAsync(null));

        suggestions.HasText.ShouldBeFalse();
        suggestions.Patients.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_physician_may_not_ask()
    {
        var document = await DocumentWithTextAsync("anything");
        await using var setup = _db.Services();
        var physician = await Personas.CreateAsync(setup, Roles.Physician);
        var actor = new TestActor();
        actor.ActAs(physician.Id, physician.Email, Roles.Physician);
        await using var services = _db.Services(actor);
        await using var scope = services.CreateAsyncScope();

        var result = await scope.ServiceProvider.GetRequiredService<SuggestFilingHandler>().HandleAsync(new SuggestFilingQuery(document), CancellationToken.None);

        result.Error!.Kind.ShouldBe(HimPortal.Application.Common.ErrorKind.Forbidden);
    }

    /// <summary>A patient record with its FHIR name (what the match keys read), and its match keys refreshed as the engine does.</summary>
    private async Task<Guid> MatchablePatientAsync(string given, string family, DateOnly born, string sex)
    {
        var id = Guid.CreateVersion7();
        await using var services = _db.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        db.Set<Patient>().Add(new Patient
        {
            Id = id, FhirId = id.ToString("N"), SourceHash = new byte[32], ImportedAt = DateTimeOffset.UtcNow,
            Resource = $$"""{"resourceType":"Patient","name":[{"use":"official","family":"{{family}}","given":["{{given}}"]}],"gender":"{{sex}}","birthDate":"{{born:yyyy-MM-dd}}"}""",
            Mrn = "MRN-" + id.ToString("N")[..10], GivenNames = given, FamilyName = family,
            SearchName = HimPortal.Application.Patients.PatientNames.Fold($"{given} {family}"), BirthDate = born, Sex = sex,
        });
        await db.SaveChangesAsync();
        await MatchKeysRefresh.RefreshAsync(db, [id], CancellationToken.None);
        return id;
    }

    [Fact]
    public async Task The_clerks_search_under_a_nickname_gets_the_engines_scored_record_with_the_fields_that_agree()
    {
        var william = await MatchablePatientAsync("William", "Przybylski", new DateOnly(1961, 3, 4), "male");
        var mary = await MatchablePatientAsync("Mary", "Przybylski", new DateOnly(1990, 5, 6), "female");

        var suggestions = await SuggestAsync(await DocumentWithTextAsync(null), name: "Bill Przybylski", birthDate: new DateOnly(1961, 3, 4));

        suggestions.HasText.ShouldBeFalse();
        var scored = suggestions.Scored.ShouldHaveSingleItem();
        scored.PatientId.ShouldBe(william);
        scored.From.ShouldBe("search");
        scored.Score.ShouldBeGreaterThan(0.5);
        scored.Agreeing.ShouldContain("family");
        scored.Agreeing.ShouldContain("birth-date");
        scored.Agreeing.ShouldContain(a => a.StartsWith("given (", StringComparison.Ordinal));
        suggestions.Scored.ShouldNotContain(s => s.PatientId == mary);
    }

    [Fact]
    public async Task A_name_and_birth_date_on_the_page_are_scored_too_beside_the_text_suggestion()
    {
        var patient = await MatchablePatientAsync("Agnieszka", "Szczepanski", new DateOnly(1975, 11, 23), "female");

        var suggestions = await SuggestAsync(await DocumentWithTextAsync("Referral for Agnieszka Szczepanski, DOB 11/23/1975."));

        suggestions.Patients.ShouldContain(p => p.PatientId == patient);
        suggestions.Scored.ShouldContain(s => s.PatientId == patient && s.From == "name and birth date on page 1");
    }
}
