using HimPortal.Application.Access;
using HimPortal.Application.Access.AssignTreatment;
using HimPortal.Application.Access.GetRecordAccess;
using HimPortal.Application.Access.RevokeAssignment;
using HimPortal.Application.Access.SetRestriction;
using HimPortal.Application.Charts.GetChart;
using HimPortal.Application.Common;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Access;

/// <summary>HIM staff record assignments and restrict records; the chart's access rules follow at once.</summary>
public sealed class ManagePatientAccessTests(ChartDatabase charts) : IClassFixture<ChartDatabase>
{
    private TestDatabase Db => charts.Database;

    private async Task<(ServiceProvider Services, Persona Persona)> AsAsync(string role, string? npi = null)
    {
        await using var setup = Db.Services();
        var persona = await Personas.CreateAsync(setup, role, npi: npi);
        var actor = new TestActor();
        actor.ActAs(persona.Id, persona.Email, role);
        return (Db.Services(actor), persona);
    }

    private static async Task<T> RunAsync<T>(IServiceProvider services, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    private static Task<ChartReadStatus> OpenAsync(IServiceProvider physician, Guid patientId) =>
        RunAsync(physician, async s => (await s.GetRequiredService<GetChartHandler>().HandleAsync(new GetChartQuery(patientId), CancellationToken.None)).Status);

    [Fact]
    public async Task A_clerk_assigns_a_physician_who_then_opens_the_chart_until_the_assignment_is_revoked()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var (clerk, _) = await AsAsync(Roles.HimClerk);
        var (physician, doctor) = await AsAsync(Roles.Physician, await ClinicalData.UnrelatedNpiAsync(Db, patientId));
        await using var _c = clerk;
        await using var _p = physician;
        (await OpenAsync(physician, patientId)).ShouldBe(ChartReadStatus.BreakGlassRequired);

        var view = await RunAsync(clerk, s => s.GetRequiredService<GetRecordAccessHandler>().HandleAsync(new GetRecordAccessQuery(patientId), CancellationToken.None));
        view.Value!.Physicians.ShouldContain(p => p.UserId == doctor.Id);

        var missingReason = await RunAsync(clerk, s => s.GetRequiredService<AssignTreatmentHandler>()
            .HandleAsync(new AssignTreatmentCommand(patientId, doctor.Id, " ", null), CancellationToken.None));
        missingReason.Error!.Field.ShouldBe("Reason");
        var notAPhysician = await RunAsync(clerk, s => s.GetRequiredService<AssignTreatmentHandler>()
            .HandleAsync(new AssignTreatmentCommand(patientId, Guid.NewGuid(), "consult", null), CancellationToken.None));
        notAPhysician.Error.ShouldBe(AccessErrors.NotAPhysician);
        (await OpenAsync(physician, patientId)).ShouldBe(ChartReadStatus.BreakGlassRequired, "a refused assignment changes nothing");

        var assigned = await RunAsync(clerk, s => s.GetRequiredService<AssignTreatmentHandler>()
            .HandleAsync(new AssignTreatmentCommand(patientId, doctor.Id, "consult for cardiology", null), CancellationToken.None));
        assigned.IsSuccess.ShouldBeTrue(assigned.Error?.Message);
        (await OpenAsync(physician, patientId)).ShouldBe(ChartReadStatus.Shown);
        var again = await RunAsync(clerk, s => s.GetRequiredService<AssignTreatmentHandler>()
            .HandleAsync(new AssignTreatmentCommand(patientId, doctor.Id, "again", null), CancellationToken.None));
        again.Error.ShouldBe(AccessErrors.AlreadyAssigned);

        var current = (await RunAsync(clerk, s => s.GetRequiredService<GetRecordAccessHandler>().HandleAsync(new GetRecordAccessQuery(patientId), CancellationToken.None)))
            .Value!.Assignments.Single();
        var stale = await RunAsync(clerk, s => s.GetRequiredService<RevokeAssignmentHandler>()
            .HandleAsync(new RevokeAssignmentCommand(patientId, current.Id, current.Version + 1), CancellationToken.None));
        stale.Error.ShouldBe(AccessErrors.Conflict);
        (await OpenAsync(physician, patientId)).ShouldBe(ChartReadStatus.Shown, "a stale revoke changes nothing");

        var revoked = await RunAsync(clerk, s => s.GetRequiredService<RevokeAssignmentHandler>()
            .HandleAsync(new RevokeAssignmentCommand(patientId, current.Id, current.Version), CancellationToken.None));
        revoked.IsSuccess.ShouldBeTrue(revoked.Error?.Message);
        (await OpenAsync(physician, patientId)).ShouldBe(ChartReadStatus.BreakGlassRequired);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_type = 'TreatmentAssignment' AND patient_id = '{patientId}'"))
            .ShouldBe(2);
    }

    [Fact]
    public async Task Restricting_a_record_is_checked_for_concurrent_edits_and_needs_an_employees_department()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var (manager, _) = await AsAsync(Roles.HimManager);
        var (physician, _) = await AsAsync(Roles.Physician, await ClinicalData.TreatingNpiAsync(Db, patientId));
        await using var _m = manager;
        await using var _p = physician;
        Task<Application.Common.Result<bool>> SetAsync(SetRestrictionCommand command) =>
            RunAsync(manager, s => s.GetRequiredService<SetRestrictionHandler>().HandleAsync(command, CancellationToken.None));

        (await SetAsync(new(patientId, false, true, null, null, null))).Error!.Field.ShouldBe("EmployeeDepartment");
        (await SetAsync(new(patientId, false, true, "Radiology", null, null))).IsSuccess.ShouldBeTrue();
        (await OpenAsync(physician, patientId)).ShouldBe(ChartReadStatus.BreakGlassRequired);

        // A second manager who opened the page before the first saved: told, not silently overwritten.
        (await SetAsync(new(patientId, false, false, null, null, null))).Error.ShouldBe(AccessErrors.Conflict);
        var version = (await RunAsync(manager, s => s.GetRequiredService<GetRecordAccessHandler>().HandleAsync(new GetRecordAccessQuery(patientId), CancellationToken.None)))
            .Value!.Restriction!.Version;
        (await SetAsync(new(patientId, false, false, null, null, version + 1))).Error.ShouldBe(AccessErrors.Conflict);
        (await SetAsync(new(patientId, false, false, null, null, version))).IsSuccess.ShouldBeTrue();
        (await OpenAsync(physician, patientId)).ShouldBe(ChartReadStatus.Shown);
    }

    [Fact]
    public async Task A_physician_may_not_manage_chart_access()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var (physician, doctor) = await AsAsync(Roles.Physician);
        await using var _p = physician;
        var result = await RunAsync(physician, s => s.GetRequiredService<AssignTreatmentHandler>()
            .HandleAsync(new AssignTreatmentCommand(patientId, doctor.Id, "self-assigned", null), CancellationToken.None));
        result.Error!.Kind.ShouldBe(ErrorKind.Forbidden);
    }
}
