using HimPortal.Application.Access;
using HimPortal.Application.Completion.Amendments.DenyAmendment;
using HimPortal.Application.Completion.Amendments.GetAmendment;
using HimPortal.Application.Completion.Amendments.OpenAmendment;
using HimPortal.Application.Completion.Amendments.RouteAmendment;
using HimPortal.Data.Portal;
using HimPortal.Application.Portal.Amendments.RequestAmendment;
using HimPortal.Tests.Completion.Inbox;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Completion.Amendments;

/// <summary>A test class's database with two Synthea patients imported once: a patient with a portal account, another without.</summary>
public sealed class AmendmentDatabase : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await ClinicalData.ImportAsync(Database, ClinicalData.Smallest, ClinicalData.Cortes);
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}

/// <summary>What an amendment test starts from: a stay with a note by a physician with an account, the patient's portal account, an HIM clerk.</summary>
public sealed record AmendmentCase(InboxStay Stay, Persona Patient, Persona Clerk);

public static class AmendmentWorld
{
    public static async Task<AmendmentCase> CaseAsync(TestDatabase database, string patient = ClinicalData.Smallest)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var services = database.Services();
        var stay = await InboxWorld.StayAsync(database, services, DateTimeOffset.UtcNow.AddDays(-5), patient);
        var account = await PatientAccountAsync(database, services, stay.PatientId);
        var clerk = await Personas.CreateAsync(services, Roles.HimClerk);
        return new AmendmentCase(stay, account, clerk);
    }

    /// <summary>A portal account whose MRN names the patient's record (what activation will do).</summary>
    public static async Task<Persona> PatientAccountAsync(TestDatabase database, IServiceProvider services, Guid patientId)
    {
        ArgumentNullException.ThrowIfNull(database);
        var account = await Personas.CreateAsync(services, Roles.Patient);
        await database.ExecuteAsync($"UPDATE identity.users SET patient_mrn = (SELECT mrn FROM clinical.patients WHERE id = '{patientId}') WHERE id = '{account.Id}'");
        return account;
    }

    public static ServiceProvider As(TestDatabase database, Persona persona, IDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(persona);
        var actor = new TestActor();
        actor.ActAs(persona.Id, persona.Email, persona.Role);
        return database.Services(actor, clock, settings);
    }

    public static async Task<T> AsAsync<T>(TestDatabase database, Persona persona, Func<IServiceProvider, Task<T>> act, IDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(act);
        await using var services = As(database, persona, settings);
        await using var scope = services.CreateAsyncScope();
        return await act(scope.ServiceProvider);
    }

    public static Task<T> Handle<THandler, T>(this IServiceProvider services, Func<THandler, Task<T>> call)
        where THandler : notnull =>
        call(services.GetRequiredService<THandler>());

    /// <summary>The patient asks to amend the stay's note.</summary>
    public static Task<AmendmentRequested> AskAsync(TestDatabase database, AmendmentCase c, params NamedRecipient[] recipients) =>
        AsAsync(database, c.Patient, async sp => (await sp.GetRequiredService<RequestAmendmentHandler>().HandleAsync(
            new RequestAmendmentCommand(c.Stay.PatientId, "DocumentReference", c.Stay.NoteId, "The note says my appendix was removed; it was my gallbladder.",
                "I had a cholecystectomy, not an appendectomy.", recipients), CancellationToken.None)).Value!);

    /// <summary>HIM routes the request to the stay's physician, who opens it: the version to answer at.</summary>
    public static async Task<uint> RouteAsync(TestDatabase database, AmendmentCase c, Guid id)
    {
        ArgumentNullException.ThrowIfNull(c);
        var detail = await AsAsync(database, c.Clerk, sp => sp.GetRequiredService<GetAmendmentHandler>().HandleAsync(new GetAmendmentQuery(id), CancellationToken.None));
        var routed = await AsAsync(database, c.Clerk, sp => sp.GetRequiredService<RouteAmendmentHandler>()
            .HandleAsync(new RouteAmendmentCommand(id, c.Stay.PractitionerId, null, detail.Value!.Version), CancellationToken.None));
        routed.Error.ShouldBeNull();
        var open = await AsAsync(database, c.Stay.Physician, sp => sp.GetRequiredService<OpenAmendmentHandler>().HandleAsync(new OpenAmendmentQuery(id), CancellationToken.None));
        return open.Value!.Version;
    }

    /// <summary>The physician denies the request (accurate and complete), at <paramref name="version"/>.</summary>
    public static async Task DenyAsync(TestDatabase database, AmendmentCase c, Guid id, uint version)
    {
        ArgumentNullException.ThrowIfNull(c);
        (await AsAsync(database, c.Stay.Physician, sp => sp.GetRequiredService<DenyAmendmentHandler>().HandleAsync(
            new DenyAmendmentCommand(id, AmendmentDenialGrounds.AccurateAndComplete, "The value was measured and recorded correctly.", version), CancellationToken.None)))
            .Error.ShouldBeNull();
    }
}
