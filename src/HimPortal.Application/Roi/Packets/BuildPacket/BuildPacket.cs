using System.Security.Cryptography;
using System.Text.Json;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets.BuildPacket;

public sealed record BuildPacketCommand(Guid PacketId);

public sealed record BuiltPacket(Guid PacketId, int PageCount, long Length, string Sha256);

/// <summary>The manifest kept as Packet.Manifest (jsonb): every item with its SHA-256, and the packet's own hash beside them.</summary>
public sealed record PacketManifest(string Request, string Format, DateTimeOffset BuiltAt, string Sha256, long Length, int PageCount,
    IReadOnlyList<ManifestItem> Items);

/// <summary>
/// Builds a queued packet (issue 17 item 5): the included items of the request, with their redactions, written by
/// <see cref="PacketWriter"/> (or <see cref="FhirPacket"/> for a FHIR copy) to a temporary file, page by page, then
/// stored in the document store with its SHA-256 and manifest, and the request moved to quality check. A packet
/// discarded while it was building (a rebuild asked for) is left discarded.
/// </summary>
[RequiresPermission(Permissions.RoiExport)]
public sealed class BuildPacketHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IDocumentStore store,
    SensitivityReader sensitivity,
    PacketContent content,
    PacketWriter writer,
    RequestTimeline timeline,
    HospitalTime hospital,
    TimeProvider clock) : Handler<BuildPacketCommand, Result<BuiltPacket>>(permissions)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task<Result<BuiltPacket>> ExecuteAsync(BuildPacketCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var packet = await db.Packets.SingleOrDefaultAsync(p => p.Id == command.PacketId, ct);
        if (packet is null)
        {
            return PacketErrors.NotFound;
        }

        if (packet.Status is not (PacketStatuses.Queued or PacketStatuses.Building))
        {
            return Error.Conflict($"The packet is {packet.Status}: only a queued packet is built.");
        }

        packet.Status = PacketStatuses.Building;
        await db.SaveChangesAsync(ct);
        var request = await db.ReleaseRequests.AsNoTracking().SingleAsync(r => r.Id == packet.RequestId, ct);
        var (authorization, extraRestricted) = await PacketErrors.CoverageAsync(db, request, ct);
        var items = await db.PacketItems.AsNoTracking().Where(i => i.RequestId == request.Id).OrderBy(i => i.Ordinal).ToListAsync(ct);
        var redactions = await db.Redactions.AsNoTracking().Where(r => r.RequestId == request.Id && r.RemovedAt == null).ToListAsync(ct);
        var included = items.Where(i => i.Included).ToList();

        // Coverage is decided again at build: an authorization revoked or replaced since the selection must not let a
        // sensitive segment out (45 CFR 164.508(b)(5)).
        var uncovered = included.FirstOrDefault(i => PacketCoverage.Withheld(request, authorization, extraRestricted, i.LabelCodes) is not null);
        if (uncovered is not null)
        {
            return await FailAsync(packet, request, "A sensitive item is included that this release no longer covers: select the items again.", ct);
        }

        var chosen = included.Select(i => new ChosenItem(i.ResourceType, i.ResourceKey, i.Title, i.ItemDate, i.LabelCodes,
            [.. redactions.Where(r => r.PacketItemId == i.Id).OrderBy(r => r.Page).ThenBy(r => r.Id).Select(r => new RegionMark(r.Page, r.X, r.Y, r.Width, r.Height))]))
            .ToList();
        var today = hospital.DayOf(clock.GetUtcNow());
        var recipient = request.RequesterOrganization is null ? request.RequesterName : $"{request.RequesterName}, {request.RequesterOrganization}";
        var path = Path.Combine(Path.GetTempPath(), $"himportal-packet-{packet.Id:N}.tmp");
        try
        {
            int pageCount;
            IReadOnlyList<ManifestItem> manifestItems;
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose))
            {
                var cover = await PacketAssembly.CoverAsync(db, request, today, included.Count, [.. items.Where(i => !i.Included)], ct);
                if (packet.Format == ReleaseFormats.FhirJson)
                {
                    var fhir = await FhirPacket.WriteAsync(db, request.PatientId, chosen,
                        await PacketAssembly.WithheldAsync(db, sensitivity, request, authorization, extraRestricted, ct), file, ct);
                    (pageCount, manifestItems) = (0, fhir);
                }
                else
                {
                    var spec = await PacketAssembly.SpecAsync(db, sensitivity, content, request, authorization, extraRestricted, chosen, cover,
                        $"{request.Display} - {recipient}", ct);
                    var written = await writer.WriteAsync(spec, file, ct);
                    (pageCount, manifestItems) = (written.PageCount, written.Items);
                }

                file.Position = 0;
                var sha = await SHA256.HashDataAsync(file, ct);
                var length = file.Length;
                file.Position = 0;
                return await db.InTransactionAsync<Result<BuiltPacket>>(async token =>
                {
                    var current = await db.Packets.SingleAsync(p => p.Id == packet.Id, token);
                    if (current.Status != PacketStatuses.Building)
                    {
                        return Error.Conflict("The packet was discarded while it was building (a rebuild was asked for).");
                    }

                    var tracked = await db.ReleaseRequests.SingleAsync(r => r.Id == request.Id, token);
                    var objectId = Guid.CreateVersion7();
                    await store.PutAsync(objectId, file, token);
                    var builtAt = clock.GetUtcNow();
                    current.ObjectId = objectId;
                    current.Sha256 = sha;
                    current.Length = length;
                    current.PageCount = pageCount;
                    current.ContainsSensitive = included.Any(i => i.LabelCodes.Length > 0);
                    current.Manifest = JsonSerializer.Serialize(new PacketManifest(request.Display, current.Format, builtAt,
                        Convert.ToHexStringLower(sha), length, pageCount, manifestItems), Json);
                    current.Status = PacketStatuses.Built;
                    current.BuiltAt = builtAt;
                    current.Problem = null;
                    if (tracked.Status == RequestStatuses.Processing)
                    {
                        timeline.Move(tracked, RequestStatuses.QualityCheck, $"packet built: {manifestItems.Count} item(s), {pageCount} page(s)");
                    }
                    else
                    {
                        timeline.Note(tracked, "packet", $"packet built: {manifestItems.Count} item(s), {pageCount} page(s)");
                    }

                    await db.SaveChangesAsync(token);
                    await audit.RecordAsync(PacketErrors.Audit(AuditAction.Export, request,
                        $"packet {current.Id:D} built: {manifestItems.Count} item(s), {pageCount} page(s), sha256 {Convert.ToHexStringLower(sha)}"), token);
                    return Result<BuiltPacket>.Success(new BuiltPacket(current.Id, pageCount, length, Convert.ToHexStringLower(sha)));
                }, ct);
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
        {
            return await FailAsync(packet, request, "The packet could not be built: " + e.GetType().Name, ct);
        }
    }

    private async Task<Result<BuiltPacket>> FailAsync(Packet packet, ReleaseRequest request, string problem, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await db.InTransactionAsync<Result<BuiltPacket>>(async token =>
        {
            var current = await db.Packets.SingleAsync(p => p.Id == packet.Id, token);
            if (current.Status == PacketStatuses.Building)
            {
                current.Status = PacketStatuses.Failed;
                current.Problem = problem;
            }

            timeline.Append(request.Id, "packet", problem);
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(PacketErrors.Audit(AuditAction.Export, request, $"packet {packet.Id:D} failed", AuditOutcome.Error), token);
            return Error.Conflict(problem);
        }, ct);
    }
}

/// <summary>The packet to build (its id only).</summary>
public sealed record BuildPacketPayload(Guid PacketId) : IJobPayload;

/// <summary>roi.build-packet: builds one queued packet, as the specialist who queued it (who holds Roi.Export).</summary>
[JobKind(Kind)]
public sealed class BuildPacketJob(BuildPacketHandler build) : IJobWork
{
    public const string Kind = "roi.build-packet";

    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        job.Report(0, 1, "building the packet");
        var result = await build.HandleAsync(new BuildPacketCommand(job.Payload<BuildPacketPayload>().PacketId), ct);
        if (result.Error is { } error)
        {
            job.FailureMessage = error.Message;
            return JobOutcome.Failed;
        }

        job.Result = result.Value;
        job.Report(1, 1, $"{result.Value!.PageCount} page(s) built");
        return JobOutcome.Succeeded;
    }
}
