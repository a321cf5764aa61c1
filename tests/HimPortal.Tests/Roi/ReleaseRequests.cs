using HimPortal.Data;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Roi;

/// <summary>
/// Release requests inserted directly, for tests of what comes after logging (authorizations, fees, packets, delivery,
/// the accounting). The request's own tests log requests through the handler. The due date here is a plain 30 days.
/// </summary>
public static class ReleaseRequests
{
    public static async Task<Guid> AddAsync(TestDatabase database, Guid patientId, string requesterType = RequesterTypes.Patient,
        string status = RequestStatuses.Received, DateTimeOffset? receivedAt = null, string format = ReleaseFormats.Pdf,
        string delivery = DeliveryMethods.SecureDownload, string scope = ScopeKinds.DesignatedRecordSet, string requesterName = "Requester Test",
        Guid? authorizationId = null, string state = "MA")
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var services = database.Services();
        await using var serviceScope = services.CreateAsyncScope();
        var db = serviceScope.ServiceProvider.GetRequiredService<HimDbContext>();
        var received = receivedAt ?? DateTimeOffset.UtcNow;
        var request = new ReleaseRequest
        {
            Id = Guid.CreateVersion7(),
            PatientId = patientId,
            RequesterType = requesterType,
            RequesterName = requesterName,
            RequesterAddress = "1 Main Street\nBoston, MA 02110",
            RequesterEmail = "requester@example.test",
            Purpose = "test",
            ScopeKind = scope,
            Format = format,
            Delivery = delivery,
            ReceivedAt = received,
            Status = status,
            AuthorizationId = authorizationId,
            ClockRule = "RightOfAccess",
            ClockCitation = "45 CFR 164.524(b)(2): 30 days after receipt",
            DueDay = DateOnly.FromDateTime(received.UtcDateTime).AddDays(30),
            DueAt = received.AddDays(31),
            StateCode = state,
            CreatedAt = received,
        };
        db.ReleaseRequests.Add(request);
        await db.SaveChangesAsync();
        return request.Id;
    }
}
