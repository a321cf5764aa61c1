using System.Text.Json;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Roi.Packets.BuildPacket;
using HimPortal.Application.Roi.Packets.GetPacket;
using HimPortal.Application.Roi.Packets.QueuePacket;
using HimPortal.Application.Roi.Packets.SelectItems;
using HimPortal.Data;
using HimPortal.Data.Access;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Roi.Packets;

/// <summary>One database with the smallest shared chart imported, for the packet tests.</summary>
public sealed class PacketDatabase : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public Guid PatientId { get; private set; }

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await ClinicalData.ImportAsync(Database, ClinicalData.Smallest);
        PatientId = await ClinicalData.PatientIdAsync(Database, ClinicalData.Smallest);
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}

/// <summary>A member of staff's services, acting as them.</summary>
public sealed record Specialist(ServiceProvider Services, Guid UserId) : IAsyncDisposable
{
    public async Task<T> RunAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public Task<TResult> HandleAsync<THandler, TResult>(Func<THandler, Task<TResult>> call)
        where THandler : notnull =>
        RunAsync(s => call(s.GetRequiredService<THandler>()));

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}

public static class PacketSteps
{
    public static async Task<Specialist> AsAsync(TestDatabase database, string role = Roles.RoiSpecialist)
    {
        await using var setup = database.Services();
        var persona = await Personas.CreateAsync(setup, role);
        var actor = new TestActor();
        actor.ActAs(persona.Id, persona.Email, role);
        return new Specialist(database.Services(actor), persona.Id);
    }

    public static async Task<Guid> AuthorizationAsync(TestDatabase database, Guid patientId, bool psychotherapy = false, bool part2 = false,
        params string[] labels)
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var authorization = new Authorization
        {
            Id = Guid.CreateVersion7(),
            PatientId = patientId,
            Description = "All records",
            Recipient = "Requester Test",
            Purpose = "litigation",
            ExpiresOn = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1),
            SignedOn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3),
            CoversPsychotherapyNotes = psychotherapy,
            CoversPart2 = part2,
            CoversLabels = labels,
            Status = AuthorizationStatuses.Valid,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Authorizations.Add(authorization);
        await db.SaveChangesAsync();
        return authorization.Id;
    }

    /// <summary>Labels an item of the record as HIM staff would (a manual label in force).</summary>
    public static async Task LabelAsync(TestDatabase database, Guid patientId, string resourceType, Guid resourceId, string label)
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        db.ItemSensitivityLabels.Add(new ItemSensitivityLabel
        {
            Id = Guid.CreateVersion7(), PatientId = patientId, LabelCode = label, ResourceType = resourceType, ResourceId = resourceId,
            Source = "manual", Reason = "test", LabelledAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    public static async Task<PacketPage> PageAsync(Specialist who, Guid requestId) =>
        (await who.HandleAsync<GetPacketHandler, Result<PacketPage>>(h => h.HandleAsync(new GetPacketQuery(requestId), CancellationToken.None))).Value!;

    public static async Task<SelectionOutcome> SelectAsync(Specialist who, Guid requestId)
    {
        var result = await who.HandleAsync<SelectItemsHandler, Result<SelectionOutcome>>(h => h.HandleAsync(new SelectItemsCommand(requestId), CancellationToken.None));
        result.Error.ShouldBeNull();
        return result.Value!;
    }

    /// <summary>Queues the packet and runs the build job's handler as the job would (acting as the one who queued it).</summary>
    public static async Task<BuiltPacket> BuildAsync(Specialist who, Guid requestId)
    {
        var page = await PageAsync(who, requestId);
        var queued = await who.HandleAsync<QueuePacketHandler, Result<Guid>>(h => h.HandleAsync(new QueuePacketCommand(requestId, page.RequestVersion), CancellationToken.None));
        queued.Error.ShouldBeNull();
        var built = await who.HandleAsync<BuildPacketHandler, Result<BuiltPacket>>(h => h.HandleAsync(new BuildPacketCommand(queued.Value), CancellationToken.None));
        built.Error.ShouldBeNull();
        return built.Value!;
    }

    public static async Task<byte[]> BytesAsync(TestDatabase database, Guid packetId)
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var objectId = await db.Packets.Where(p => p.Id == packetId).Select(p => p.ObjectId).SingleAsync();
        await using var stream = (await scope.ServiceProvider.GetRequiredService<IDocumentStore>().OpenReadAsync(objectId!.Value, CancellationToken.None))!;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    public static async Task<Packet> PacketAsync(TestDatabase database, Guid packetId)
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HimDbContext>().Packets.AsNoTracking().SingleAsync(p => p.Id == packetId);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static PacketManifest Manifest(Packet packet) => JsonSerializer.Deserialize<PacketManifest>(packet.Manifest!, Json)!;
}
