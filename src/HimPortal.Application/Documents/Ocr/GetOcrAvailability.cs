using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.Ocr;

public sealed record GetOcrAvailabilityQuery;

/// <summary>Whether this server reads scanned pages (tesseract installed), and how many pages wait or went without text.</summary>
public sealed record OcrAvailability(bool Installed, int Pending, int Unavailable)
{
    /// <summary>What the indexing queue shows when OCR cannot run here.</summary>
    public string? Notice => Installed ? null : "OCR not installed on this server: scanned pages have no text (indexing works without it).";
}

/// <summary>The flag the indexing queue shows (issue 15 item 5: "where it is not installed the queue says so").</summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class GetOcrAvailabilityHandler(PermissionCheck permissions, HimDbContext db, TesseractOcr ocr)
    : Handler<GetOcrAvailabilityQuery, Result<OcrAvailability>>(permissions)
{
    protected override async Task<Result<OcrAvailability>> ExecuteAsync(GetOcrAvailabilityQuery command, CancellationToken ct)
    {
        // Both counts use the partial index on pending pages or a small scan of the status column; no text is read.
        var pending = await db.Set<DocumentPage>().CountAsync(p => p.OcrStatus == PageOcrStatus.Pending, ct);
        var unavailable = await db.Set<DocumentPage>().CountAsync(p => p.OcrStatus == PageOcrStatus.Unavailable, ct);
        return Result<OcrAvailability>.Success(new OcrAvailability(ocr.IsInstalled, pending, unavailable));
    }
}
