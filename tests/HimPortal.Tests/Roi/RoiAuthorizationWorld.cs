using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.Authorizations;
using HimPortal.Application.Roi.Authorizations.CheckAuthorization;
using HimPortal.Application.Roi.Authorizations.RecordAuthorization;
using HimPortal.Data;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Roi;

/// <summary>A database with an ROI specialist acting, and helpers to record and check authorizations through the handlers.</summary>
public sealed class RoiAuthorizationWorld : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public TestActor Actor { get; } = new();

    public ServiceProvider Services { get; private set; } = null!;

    public Persona Specialist { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Services = Database.Services(Actor);
        Specialist = await Personas.CreateAsync(Services, Roles.RoiSpecialist);
        Actor.ActAs(Specialist.Id, Specialist.Email, Roles.RoiSpecialist);
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Database.DisposeAsync();
    }

    public Task<Guid> PatientAsync() => CandidatePairs.PatientAsync(Database, "Ada", "Roi" + Guid.NewGuid().ToString("N")[..6]);

    public async Task<TResult> RunAsync<THandler, TResult>(Func<THandler, Task<TResult>> call)
        where THandler : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<THandler>());
    }

    public async Task<T> DbAsync<T>(Func<HimDbContext, Task<T>> read)
    {
        await using var scope = Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<HimDbContext>());
    }

    public Task<ReleaseRequest> RequestAsync(Guid id) => DbAsync(db => db.ReleaseRequests.AsNoTracking().SingleAsync(r => r.Id == id));

    public Task<Authorization> AuthorizationAsync(Guid id) => DbAsync(db => db.Authorizations.AsNoTracking().SingleAsync(a => a.Id == id));

    /// <summary>A complete form, signed yesterday, expiring in a year; <paramref name="change"/> spoils it.</summary>
    public static RecordAuthorizationCommand Form(Guid requestId, uint version, Guid? supersedes = null, Func<RecordAuthorizationCommand, RecordAuthorizationCommand>? change = null)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var form = new RecordAuthorizationCommand(requestId, version, supersedes, null, "All records of the 2025 admission", "The hospital's HIM department",
            "Jones & Partners LLP", "Litigation", today.AddYears(1), null, today.AddDays(-1), null, null, false, false, false, []);
        return change is null ? form : change(form);
    }

    public async Task<Guid> RecordAsync(Guid requestId, Guid? supersedes = null, Func<RecordAuthorizationCommand, RecordAuthorizationCommand>? change = null)
    {
        var request = await RequestAsync(requestId);
        var result = await RunAsync<RecordAuthorizationHandler, Result<Guid>>(h => h.HandleAsync(Form(requestId, request.Version, supersedes, change), CancellationToken.None));
        result.Error.ShouldBeNull();
        return result.Value;
    }

    /// <summary>Every element confirmed (or not applicable where it does not apply), except the ones given.</summary>
    public async Task<Result<AuthorizationCheckOutcome>> CheckAsync(Guid requestId, IReadOnlyDictionary<string, ElementAnswer>? except = null)
    {
        var request = await RequestAsync(requestId);
        var authorization = await AuthorizationAsync(request.AuthorizationId!.Value);
        var answers = AuthorizationElements.All.ToDictionary(e => e.Code,
            e => except?.GetValueOrDefault(e.Code) ?? new ElementAnswer(AuthorizationElements.Applies(e, authorization) ? ElementStates.Confirmed : ElementStates.NotApplicable, null));
        return await RunAsync<CheckAuthorizationHandler, Result<AuthorizationCheckOutcome>>(h =>
            h.HandleAsync(new CheckAuthorizationCommand(requestId, request.Version, authorization.Id, authorization.Version, answers), CancellationToken.None));
    }

    public async Task<byte[]> LetterAsync(Guid letterId)
    {
        await using var scope = Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<HimPortal.Application.Roi.RoiLetterStore>().ReadAsync(letterId, CancellationToken.None))!;
    }

    /// <summary>The PDF's words joined by single spaces: the letters wrap lines at spaces, so a sentence reads back whole.</summary>
    public static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
    }
}
