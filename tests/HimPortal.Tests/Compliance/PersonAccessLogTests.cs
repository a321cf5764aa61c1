using HimPortal.Application.Access;
using HimPortal.Application.Charts.GetChart;
using HimPortal.Application.Compliance.AccessLog;
using HimPortal.Application.Compliance.SearchAccessLog;
using HimPortal.Application.Compliance.WhoAccessedPatient;
using HimPortal.Tests.Charts;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Compliance;

/// <summary>The compliance log of a person finds accesses under any of its linked records, saying which (ADR 0015, issue 16).</summary>
[Collection(PersonCollection.Name)]
public sealed class PersonAccessLogTests(PersonDatabase person)
{
    private TestDatabase Db => person.Database;

    private async Task<T> AsAsync<T>(string role, Guid userId, Func<IServiceProvider, Task<T>> work)
    {
        var actor = new TestActor();
        actor.ActAs(userId, role.ToLowerInvariant() + "@test.himportal.example", role);
        await using var services = Db.Services(actor);
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    private async Task<WhoAccessedPatientReport> WhoAccessedAsync(Guid patientId)
    {
        await using var setup = Db.Services();
        var officer = await Personas.CreateAsync(setup, Roles.ComplianceOfficer);
        var report = await AsAsync(Roles.ComplianceOfficer, officer.Id, s => s.GetRequiredService<WhoAccessedPatientHandler>()
            .HandleAsync(new WhoAccessedPatientQuery(patientId, PageSize: 200), CancellationToken.None));
        report.IsSuccess.ShouldBeTrue(report.Error?.Message);
        return report.Value!;
    }

    private async Task<AccessLogPage> SearchAsync(Guid patientId)
    {
        await using var setup = Db.Services();
        var officer = await Personas.CreateAsync(setup, Roles.ComplianceOfficer);
        var page = await AsAsync(Roles.ComplianceOfficer, officer.Id, s => s.GetRequiredService<SearchAccessLogHandler>()
            .HandleAsync(new SearchAccessLogQuery(new AccessLogFilter(PatientId: patientId), PageSize: 200), CancellationToken.None));
        page.IsSuccess.ShouldBeTrue(page.Error?.Message);
        return page.Value!;
    }

    [Fact]
    public async Task The_access_log_of_record_A_finds_a_view_of_record_B_while_they_are_linked()
    {
        // A clerk's view of B's chart (department operations: no relationship needed).
        await using var setup = Db.Services();
        var clerk = await Personas.CreateAsync(setup, Roles.HimClerk);
        (await AsAsync(Roles.HimClerk, clerk.Id, s => s.GetRequiredService<GetChartHandler>()
            .HandleAsync(new GetChartQuery(person.B), CancellationToken.None))).Status.ShouldBe(ChartReadStatus.Shown);
        (await WhoAccessedAsync(person.A)).Accessors.ShouldNotContain(a => a.UserId == clerk.Id);

        await person.LinkAsync(person.A, person.B);
        try
        {
            var report = await WhoAccessedAsync(person.A);
            report.Patient.Linked.Select(r => r.Id).ShouldBe([person.B]);
            report.Accessors.ShouldContain(a => a.UserId == clerk.Id && a.Views == 1);
            var row = report.Events.Rows.Where(r => r.UserId == clerk.Id).ShouldHaveSingleItem();
            row.PatientId.ShouldBe(person.B, "the row names the record it was written for");
            row.PatientMrn.ShouldBe(ClinicalData.Cortes);
            (await SearchAsync(person.A)).Rows.ShouldContain(r => r.UserId == clerk.Id && r.PatientId == person.B);
        }
        finally
        {
            await person.UnlinkAsync(person.A);
        }

        (await WhoAccessedAsync(person.A)).Accessors.ShouldNotContain(a => a.UserId == clerk.Id);
        (await SearchAsync(person.A)).Rows.ShouldNotContain(r => r.UserId == clerk.Id);
        (await SearchAsync(person.B)).Rows.ShouldContain(r => r.UserId == clerk.Id);
    }
}
