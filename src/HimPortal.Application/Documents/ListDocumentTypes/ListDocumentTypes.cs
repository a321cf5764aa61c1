using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.ListDocumentTypes;

public sealed record ListDocumentTypesQuery;

public sealed record DocumentTypeRow(Guid Id, string Name, string? LoincCode, bool Active, int SortOrder, uint Version);

/// <summary>The document-type catalogue, retired types included, in the order clerks see it.</summary>
[RequiresPermission(Permissions.IntakeConfigure)]
public sealed class ListDocumentTypesHandler(PermissionCheck permissions, HimDbContext db) : Handler<ListDocumentTypesQuery, Result<IReadOnlyList<DocumentTypeRow>>>(permissions)
{
    protected override async Task<Result<IReadOnlyList<DocumentTypeRow>>> ExecuteAsync(ListDocumentTypesQuery query, CancellationToken ct) =>
        Result<IReadOnlyList<DocumentTypeRow>>.Success(await db.Set<DocumentType>().AsNoTracking()
            .OrderBy(t => t.SortOrder).ThenBy(t => t.Name)
            .Select(t => new DocumentTypeRow(t.Id, t.Name, t.LoincCode, t.Active, t.SortOrder, t.Version))
            .ToListAsync(ct));
}
