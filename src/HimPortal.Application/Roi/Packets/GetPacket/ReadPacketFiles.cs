using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets.GetPacket;

public sealed record ReadPacketFileQuery(Guid RequestId, Guid PacketId);

public sealed record PacketFile(byte[] Content, string MediaType, string FileName);

/// <summary>A built packet's bytes for the specialist to look at (the checker reads it before passing it); audited as a view.</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class ReadPacketFileHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IDocumentStore store)
    : Handler<ReadPacketFileQuery, Result<PacketFile>>(permissions)
{
    protected override async Task<Result<PacketFile>> ExecuteAsync(ReadPacketFileQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<PacketFile>>(async token =>
        {
            var packet = await db.Packets.AsNoTracking().SingleOrDefaultAsync(p => p.Id == query.PacketId && p.RequestId == query.RequestId, token);
            var request = await db.ReleaseRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.RequestId, token);
            if (packet?.ObjectId is not { } objectId || request is null)
            {
                return PacketErrors.NotFound;
            }

            using var copy = new MemoryStream();
            await using (var stream = await store.OpenReadAsync(objectId, token))
            {
                if (stream is null)
                {
                    return PacketErrors.NotFound;
                }

                await stream.CopyToAsync(copy, token);
            }

            await audit.RecordAsync(PacketErrors.Audit(AuditAction.View, request, $"packet {packet.Id:D} opened"), token);
            var fhir = packet.Format == ReleaseFormats.FhirJson;
            return Result<PacketFile>.Success(new PacketFile(copy.ToArray(), fhir ? "application/fhir+json" : "application/pdf",
                $"{request.Display}{(fhir ? ".json" : ".pdf")}"));
        }, ct);
    }
}

public sealed record PreviewPageQuery(Guid RequestId, long ItemId, int Page);

/// <summary>
/// One page of an item as an image, for marking redactions on: a scanned page's own image, or a clinical item's text
/// page drawn as the packet draws it and rendered (so the percentages the specialist reads off it fit the packet's page).
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class PreviewPageHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IDocumentStore store, PacketContent content,
    SensitivityReader sensitivity) : Handler<PreviewPageQuery, Result<byte[]>>(permissions)
{
    protected override async Task<Result<byte[]>> ExecuteAsync(PreviewPageQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var request = await db.ReleaseRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.RequestId, ct);
        var item = await db.PacketItems.AsNoTracking().SingleOrDefaultAsync(i => i.Id == query.ItemId && i.RequestId == query.RequestId, ct);
        if (request is null || item is null || query.Page < 1)
        {
            return PacketErrors.NotFound;
        }

        var (authorization, extraRestricted) = await PacketErrors.CoverageAsync(db, request, ct);
        var withheld = await PacketAssembly.WithheldAsync(db, sensitivity, request, authorization, extraRestricted, ct);
        var read = await content.ReadAsync(item.ResourceType, Guid.Parse(item.ResourceKey), withheld, ct);
        byte[]? png;
        if (read.Images.Count > 0)
        {
            if (query.Page > read.Images.Count)
            {
                return PacketErrors.NotFound;
            }

            await using var stream = await store.OpenReadAsync(read.Images[query.Page - 1].ImageObjectId, ct);
            if (stream is null)
            {
                return PacketErrors.NotFound;
            }

            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, ct);
            png = copy.ToArray();
        }
        else
        {
            png = PacketWriter.PreviewTextPage(read.Lines, item.Title, query.Page);
            if (png is null)
            {
                return PacketErrors.NotFound;
            }
        }

        await db.InTransactionAsync(async token =>
        {
            await audit.RecordAsync(PacketErrors.Audit(AuditAction.View, request, $"item {item.Id} page {query.Page} previewed"), token);
            return true;
        }, ct);
        return Result<byte[]>.Success(png);
    }
}
