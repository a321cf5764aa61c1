using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Roi;

/// <summary>A database, a clock and an ROI specialist for the fee, delivery and accounting tests; requests made releasable.</summary>
public sealed class RoiDeliveryWorld : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public TestClock Clock { get; } = new();

    public TestActor Actor { get; } = new();

    public ServiceProvider Services { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Clock.Set(DateTimeOffset.UtcNow);
        Actor.ActAs(Guid.NewGuid(), "roi@test.himportal.example", Roles.RoiSpecialist);
        Services = Database.Services(Actor, Clock);
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Database.DisposeAsync();
    }

    public async Task<Result<T>> RunAsync<T, THandler>(Func<THandler, Task<Result<T>>> work)
        where THandler : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<THandler>());
    }

    public async Task<T> QueryAsync<T>(Func<HimDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<HimDbContext>());
    }

    public Task<Guid> PatientAsync() => CandidatePairs.PatientAsync(Database, "Ada" + Guid.NewGuid().ToString("N")[..6], "Roi");

    /// <summary>A request in <paramref name="status"/> that nothing blocks: identity verified, a valid authorization when needed, assurances for a subpoena.</summary>
    public async Task<Guid> ReleasableAsync(Guid patient, string type, string status = RequestStatuses.Ready, string format = ReleaseFormats.Pdf,
        string delivery = DeliveryMethods.SecureDownload, string requester = "Requester Test")
    {
        Guid? authorization = null;
        if (Application.Roi.RequesterRules.For(type).NeedsAuthorization)
        {
            authorization = await QueryAsync(async db =>
            {
                var a = new Authorization
                {
                    Id = Guid.CreateVersion7(), PatientId = patient, Status = AuthorizationStatuses.Valid, CreatedAt = Clock.GetUtcNow(),
                    ExpiresOn = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime).AddYears(1),
                };
                db.Authorizations.Add(a);
                await db.SaveChangesAsync();
                return a.Id;
            });
        }

        var id = await ReleaseRequests.AddAsync(Database, patient, type, status, Clock.GetUtcNow().AddDays(-3), format, delivery, requesterName: requester,
            authorizationId: authorization);
        await Database.ExecuteAsync($"UPDATE roi.requests SET identity_verification = 'driver''s license', representative_authority_checked = true, satisfactory_assurances = 'notice to the individual' WHERE id = '{id}'");
        return id;
    }

    public Task<uint> VersionAsync(Guid request) =>
        QueryAsync(db => Task.FromResult(db.ReleaseRequests.Where(r => r.Id == request).Select(r => r.Version).Single()));
}
