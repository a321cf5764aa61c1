using HimPortal.Application.Access;
using HimPortal.Application.Roi.LogRequest;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Roi;

/// <summary>An ROI specialist (or manager) acting on a test database at a clock the test sets, in the hospital's zone (America/New_York).</summary>
public sealed class RoiWorld(TestDatabase database, string role = Roles.RoiSpecialist)
{
    public const string Zone = "America/New_York";

    public TestDatabase Database { get; } = database;

    public TestClock Clock { get; } = new();

    public TestActor Actor { get; } = Make(role);

    private static TestActor Make(string role)
    {
        var actor = new TestActor();
        actor.ActAs(Guid.NewGuid(), "roi.tester", role);
        return actor;
    }

    public ServiceProvider Services() => Database.Services(Actor, Clock, new Dictionary<string, string?> { ["Hospital:TimeZone"] = Zone });

    /// <summary>Runs a handler in its own scope.</summary>
    public async Task<TResult> RunAsync<THandler, TResult>(Func<THandler, Task<TResult>> call)
        where THandler : notnull
    {
        ArgumentNullException.ThrowIfNull(call);
        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<THandler>());
    }

    /// <summary>The instant a hospital day starts in <see cref="Zone"/>, plus hours.</summary>
    public static DateTimeOffset At(int year, int month, int day, double hours = 0)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zone);
        var local = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified).AddHours(hours);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    public static RequestFields Fields(string type = RequesterTypes.Patient, DateTimeOffset? receivedAt = null, string delivery = DeliveryMethods.SecureDownload,
        DateOnly? returnDate = null, string? state = null) =>
        new(type, "Alex Requester", null, "1 Main Street\nBoston, MA 02110", "alex@example.test", null, "at the request of the individual",
            ScopeKinds.DesignatedRecordSet, null, null, [], [], [], ReleaseFormats.Pdf, delivery, false, receivedAt ?? DateTimeOffset.UtcNow.AddHours(-1),
            "driver's licence seen", false, returnDate, false, null, null, false, state, []);
}
