using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Patients.SearchPatients;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Patients;

public sealed class SearchPatientsTests(ChartDatabase charts) : IClassFixture<ChartDatabase>
{
    private TestDatabase Db => charts.Database;

    private async Task<Result<PatientSearchPage>> SearchAsync(SearchPatientsQuery query, string role = Roles.Physician, Guid? userId = null)
    {
        var actor = new TestActor();
        actor.ActAs(userId ?? Guid.NewGuid(), "searcher", role);
        await using var services = Db.Services(actor);
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SearchPatientsHandler>().HandleAsync(query, CancellationToken.None);
    }

    [Theory]
    [InlineData("cortes")]
    [InlineData("CORTÉS")]
    [InlineData("cortés936 armando")]
    [InlineData("mando cort")]
    public async Task A_name_matches_in_part_in_any_order_without_case_or_accents(string name)
    {
        var result = await SearchAsync(new SearchPatientsQuery(name, null, null));
        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        var patient = result.Value!.Patients.ShouldHaveSingleItem();
        patient.Name.ShouldBe("Armando772 Cortés936");
        patient.Mrn.ShouldBe(ClinicalData.Cortes);
        patient.BirthDate.ShouldBe(new DateOnly(1961, 7, 15));
        patient.Sex.ShouldBe("male");
        patient.LastVisit.ShouldNotBeNull();
    }

    [Fact]
    public async Task An_MRN_or_a_birth_date_finds_the_patient_and_criteria_combine()
    {
        (await SearchAsync(new SearchPatientsQuery(null, ClinicalData.Smallest, null))).Value!.Patients.ShouldHaveSingleItem().Name.ShouldBe("Zandra428 O'Hara248");
        (await SearchAsync(new SearchPatientsQuery(null, null, new DateOnly(1961, 7, 15)))).Value!.Patients.ShouldHaveSingleItem().Mrn.ShouldBe(ClinicalData.Cortes);
        (await SearchAsync(new SearchPatientsQuery("zandra", null, new DateOnly(1961, 7, 15)))).Value!.Patients.ShouldBeEmpty();
        (await SearchAsync(new SearchPatientsQuery(null, "no-such-mrn", null))).Value!.Patients.ShouldBeEmpty();
    }

    [Fact]
    public async Task Results_page_by_keyset_in_name_order_and_each_search_writes_one_audit_row()
    {
        var userId = Guid.NewGuid();
        var names = new List<string>();
        string? after = null;
        do
        {
            var page = (await SearchAsync(new SearchPatientsQuery("an", null, null, after, PageSize: 1), userId: userId)).Value!;
            names.AddRange(page.Patients.Select(p => p.Name));
            after = page.NextAfter;
        }
        while (after is not null && names.Count < 10);

        names.ShouldBe(["Christian753 Bruen238", "Armando772 Cortés936", "Zandra428 O'Hara248"]);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{userId}' AND action = 'search' AND patient_id IS NULL"))
            .ShouldBe(3);
        (await Db.ScalarAsync<string>($"SELECT details FROM audit.access_events WHERE user_id = '{userId}' ORDER BY xmin::text::bigint LIMIT 1"))
            .ShouldBe("name=an; 1 shown");
    }

    [Theory]
    [InlineData(null, null, "Enter a name, an MRN or a birth date to search for.")]
    [InlineData("c", null, "Enter at least two letters of the name.")]
    [InlineData("cortes", "not-a-cursor", "The page link is not valid: search again.")]
    public async Task A_search_without_usable_criteria_is_refused_with_the_reason(string? name, string? after, string message)
    {
        var userId = Guid.NewGuid();
        (await SearchAsync(new SearchPatientsQuery(name, null, null, after), userId: userId)).Error!.Message.ShouldBe(message);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{userId}'")).ShouldBe(0);
    }

    [Fact]
    public async Task Roles_without_chart_access_may_not_search()
    {
        (await SearchAsync(new SearchPatientsQuery("cortes", null, null), Roles.Patient)).Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        (await SearchAsync(new SearchPatientsQuery("cortes", null, null), Roles.Administrator)).Error!.Kind.ShouldBe(ErrorKind.Forbidden);
    }
}
