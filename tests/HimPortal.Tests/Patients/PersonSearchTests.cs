using HimPortal.Application.Access;
using HimPortal.Application.Patients.SearchPatients;
using HimPortal.Tests.Charts;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Patients;

/// <summary>Search finds a person by any of its linked records, once, listing the others (ADR 0015, issue 16).</summary>
[Collection(PersonCollection.Name)]
public sealed class PersonSearchTests(PersonDatabase person)
{
    private async Task<PatientSearchPage> SearchAsync(SearchPatientsQuery query)
    {
        var actor = new TestActor();
        actor.ActAs(Guid.NewGuid(), "searcher", Roles.Physician);
        await using var services = person.Database.Services(actor);
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SearchPatientsHandler>().HandleAsync(query, CancellationToken.None);
        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        return result.Value!;
    }

    private async Task<List<PatientSearchResult>> AllPagesAsync(string name)
    {
        var found = new List<PatientSearchResult>();
        string? after = null;
        do
        {
            var page = await SearchAsync(new SearchPatientsQuery(name, null, null, after, PageSize: 1));
            found.AddRange(page.Patients);
            after = page.NextAfter;
        }
        while (after is not null && found.Count < 10);

        return found;
    }

    [Fact]
    public async Task Any_linked_records_name_or_MRN_finds_the_person_once_listing_its_other_records_and_unlinking_lists_each_again()
    {
        // "an" is in both names (Armando772 Cortés936 = B, Zandra428 O'Hara248 = A): two results while apart.
        var apart = await AllPagesAsync("an");
        apart.Select(p => p.Id).ShouldContain(person.A);
        apart.Select(p => p.Id).ShouldContain(person.B);
        apart.ShouldAllBe(p => p.Linked.Count == 0);

        await person.LinkAsync(person.A, person.B);
        try
        {
            // By B's MRN: B shown, A listed with it.
            var byMrn = (await SearchAsync(new SearchPatientsQuery(null, ClinicalData.Cortes, null))).Patients.ShouldHaveSingleItem();
            byMrn.Id.ShouldBe(person.B);
            byMrn.Linked.Select(r => r.Mrn).ShouldBe([ClinicalData.Smallest]);
            // By A's name: A shown, B listed with it.
            var byName = (await SearchAsync(new SearchPatientsQuery("zandra", null, null))).Patients.ShouldHaveSingleItem();
            byName.Id.ShouldBe(person.A);
            byName.Linked.Select(r => r.Mrn).ShouldBe([ClinicalData.Cortes]);
            // Both match: the person once, under the first in the list's order, one page at a time.
            var linked = await AllPagesAsync("an");
            linked.Count.ShouldBe(apart.Count - 1);
            linked.Count(p => p.Id == person.A || p.Id == person.B).ShouldBe(1);
            linked.Single(p => p.Id == person.B).Linked.Select(r => r.Id).ShouldBe([person.A]);
        }
        finally
        {
            await person.UnlinkAsync(person.A);
        }

        (await AllPagesAsync("an")).Select(p => (p.Id, p.Linked.Count)).ShouldBe(apart.Select(p => (p.Id, p.Linked.Count)));
    }
}
