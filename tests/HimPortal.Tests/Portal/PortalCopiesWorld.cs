using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Portal.Proxies;
using HimPortal.Application.Roi.LogRequest;
using HimPortal.Application.Roi.Portal;
using HimPortal.Application.Roi.Portal.QuoteCopy;
using HimPortal.Application.Roi.Portal.RequestCopy;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Portal;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Portal;

/// <summary>A portal account: the persona, and services acting as it (the Patient role), for calling portal handlers.</summary>
public sealed record PortalPatient(Persona Persona, Guid PatientId, ServiceProvider Services) : IAsyncDisposable
{
    public async Task<TResult> HandleAsync<THandler, TResult>(Func<THandler, Task<TResult>> call)
        where THandler : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<THandler>());
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}

/// <summary>
/// Issue 19's copies, accounting and "who looked" world: the smallest shared patient (the portal patient, "Ada"), a bare
/// second patient ("Ben") with an account of his own, and the portal, on one database; staff act through the application.
/// </summary>
public sealed class PortalCopiesWorld : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public PortalFactory Portal { get; private set; } = null!;

    public Guid AdaRecord { get; private set; }

    public Guid BenRecord { get; private set; }

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await ClinicalData.ImportAsync(Database, ClinicalData.Smallest);
        AdaRecord = await ClinicalData.PatientIdAsync(Database, ClinicalData.Smallest);
        BenRecord = await CandidatePairs.PatientAsync(Database, "Ben" + Guid.NewGuid().ToString("N")[..6], "Portal", sex: "male");
        // The portal only: the staff app's job runner would build a queued packet at the same time as the test does.
        Portal = new PortalFactory(Database);
        _ = Portal.Server;
    }

    public async Task DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>A new portal account whose MRN names <paramref name="record"/> (as activation will set it).</summary>
    public Task<PortalPatient> PatientAsync(Guid record) => PatientAsync(Database, record);

    public static async Task<PortalPatient> PatientAsync(TestDatabase database, Guid record)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var setup = database.Services();
        var persona = await Personas.CreateAsync(setup, Roles.Patient);
        await using (var scope = setup.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
            var mrn = await db.Set<Patient>().Where(p => p.Id == record).Select(p => p.Mrn).SingleAsync();
            await db.Users.Where(u => u.Id == persona.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PatientMrn, mrn));
        }

        var actor = new TestActor();
        actor.ActAs(persona.Id, persona.Email, Roles.Patient);
        return new PortalPatient(persona, record, database.Services(actor));
    }

    /// <summary>
    /// A portal account of a parent who is <paramref name="record"/>'s personal representative under a grant an HIM clerk
    /// set up (45 CFR 164.502(g)), in force for a year, hiding the minor's own care or not.
    /// </summary>
    public async Task<PortalPatient> RepresentativeAsync(Guid record, bool hideMinorConsentedCare)
    {
        await using var setup = Database.Services();
        var persona = await Personas.CreateAsync(setup, Roles.Patient);
        var (_, clerk) = await StaffAsync(Roles.HimClerk);
        await using (clerk)
        {
            await using var scope = clerk.CreateAsyncScope();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var created = await scope.ServiceProvider.GetRequiredService<CreateProxyGrantHandler>().HandleAsync(new CreateProxyGrantCommand(record,
                "Maria Parent", "Parent", new DateOnly(1980, 1, 2), ProxyRelationships.Parent, "Birth certificate", null, today.AddDays(-1),
                today.AddYears(1), hideMinorConsentedCare), CancellationToken.None);
            created.Error.ShouldBeNull();
            await Database.ExecuteAsync($"UPDATE portal.proxy_grants SET representative_user_id = '{persona.Id}' WHERE id = '{created.Value}'");
        }

        var actor = new TestActor();
        actor.ActAs(persona.Id, persona.Email, Roles.Patient);
        return new PortalPatient(persona, record, Database.Services(actor));
    }

    /// <summary>The patient (or representative) asks for a copy as the portal does: the fee quoted, then confirmed at that fee.</summary>
    public static async Task<IReadOnlyList<LoggedRequest>> RequestCopyAsync(PortalPatient who, CopyChoice choice)
    {
        ArgumentNullException.ThrowIfNull(who);
        var quote = await who.HandleAsync<QuoteCopyHandler, Result<CopyQuote>>(h => h.HandleAsync(new QuoteCopyQuery(who.PatientId, choice), CancellationToken.None));
        quote.Error.ShouldBeNull();
        var logged = await who.HandleAsync<RequestCopyHandler, Result<IReadOnlyList<LoggedRequest>>>(h =>
            h.HandleAsync(new RequestCopyCommand(who.PatientId, choice, quote.Value!.TotalCents), CancellationToken.None));
        logged.Error.ShouldBeNull();
        return logged.Value!;
    }

    /// <summary>A member of staff acting through the application (their services), with a display name and department.</summary>
    public Task<(Persona Persona, ServiceProvider Services)> StaffAsync(string role, string? name = null, string? department = null) =>
        StaffAsync(Database, role, name, department);

    public static async Task<(Persona Persona, ServiceProvider Services)> StaffAsync(TestDatabase database, string role, string? name = null, string? department = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var setup = database.Services();
        var persona = await Personas.CreateAsync(setup, role, name: name);
        if (department is not null)
        {
            await using var scope = setup.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<HimDbContext>().Users.Where(u => u.Id == persona.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Department, department));
        }

        var actor = new TestActor();
        actor.ActAs(persona.Id, persona.Email, role);
        return (persona, database.Services(actor));
    }

    /// <summary>Writes one access-audit row as <paramref name="services"/>' actor, as the chart does when it is opened.</summary>
    public static async Task<Guid> AccessAsync(ServiceProvider services, Guid patientId, string action = AuditAction.View, string purpose = "TREAT")
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AccessAudit>();
        return await db.InTransactionAsync(async token =>
            (await audit.RecordAsync(new AuditRecord(action, AuditOutcome.Success, "Chart", patientId.ToString("D"), patientId, purpose, "sections=all"), token)).Id,
            CancellationToken.None);
    }

    public Task<long> DeniedAsync(Guid userId) =>
        Database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{userId}' AND outcome = 'denied'");
}
