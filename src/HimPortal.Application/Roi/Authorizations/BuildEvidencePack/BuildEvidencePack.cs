using System.Globalization;
using System.Text.Json;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Letters;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig.Writer;

namespace HimPortal.Application.Roi.Authorizations.BuildEvidencePack;

public sealed record BuildEvidencePackCommand(Guid RequestId);

public sealed record EvidencePack(Guid LetterId, string FileName, byte[] Pdf);

/// <summary>
/// The evidence pack for a complaint (issue 17 item 8): one PDF with the request, its whole timeline, the authorization(s)
/// and their element-by-element check, the fee calculation, the proof of delivery and downloads, and the access-log excerpt
/// of who handled the request, followed by every letter the request produced exactly as it went out. Kept as a letter of
/// kind evidence-pack and audited as an export.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class BuildEvidencePackHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    RequestTimeline timeline,
    RoiLetterStore letters,
    HospitalTime hospital,
    TimeProvider time) : Handler<BuildEvidencePackCommand, Result<EvidencePack>>(permissions)
{
    protected override async Task<Result<EvidencePack>> ExecuteAsync(BuildEvidencePackCommand command, CancellationToken ct) =>
        await db.InTransactionAsync<Result<EvidencePack>>(async token =>
        {
            var request = await db.ReleaseRequests.SingleOrDefaultAsync(r => r.Id == command.RequestId, token);
            if (request is null)
            {
                return RoiAuthorizationErrors.NotFound;
            }

            var paragraphs = new List<string>();
            Section(paragraphs, "1. The request");
            var rule = RequesterRules.For(request.RequesterType);
            paragraphs.Add($"- Requester: {request.RequesterName}{(request.RequesterOrganization is null ? "" : $", {request.RequesterOrganization}")} ({rule.Title}, {rule.Citation})");
            paragraphs.Add($"- Received {When(request.ReceivedAt)}; status {request.Status}{(request.StatusReason is null ? "" : $" ({request.StatusReason})")}");
            paragraphs.Add($"- Due {request.DueDay?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "not set"}: {request.ClockCitation ?? "no rule recorded"}");
            paragraphs.Add($"- Scope {request.ScopeKind}; format {request.Format}; delivery {request.Delivery}; purpose {request.Purpose ?? "not given"}");
            paragraphs.Add($"- Identity verified: {request.IdentityVerification ?? "not recorded"}");
            if (rule.LegalProcess)
            {
                paragraphs.Add($"- Legal process: return date {request.ReturnDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none"}; certification " +
                               $"{(request.CertificationRequested ? "requested" : "not requested")}; objections {request.LegalObjections ?? "none"}; motion to quash " +
                               $"{(request.QuashMotionPending ? "pending" : "none pending")}; assurances {request.SatisfactoryAssurances ?? "none"}; Part 2 order {(request.Part2CourtOrder ? "yes" : "no")}");
            }

            Section(paragraphs, "2. Timeline");
            var events = await db.RequestEvents.AsNoTracking().Where(e => e.RequestId == request.Id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(token);
            paragraphs.AddRange(events.Select(e =>
                $"- {When(e.At)} {e.Kind}{(e.ToStatus is null ? "" : $" {e.FromStatus} -> {e.ToStatus}")}: {e.Note} ({e.UserName ?? "system"})"));

            Section(paragraphs, "3. Authorizations and their check");
            await AuthorizationsAsync(paragraphs, request, token);

            Section(paragraphs, "4. Fees");
            var invoices = await db.Invoices.AsNoTracking().Where(i => i.RequestId == request.Id).OrderBy(i => i.Number).ToListAsync(token);
            if (invoices.Count == 0)
            {
                paragraphs.Add("No invoice.");
            }

            foreach (var invoice in invoices)
            {
                paragraphs.Add($"- INV-{invoice.Number:D6} of {When(invoice.CreatedAt)}: {Money(invoice.TotalCents)} ({invoice.Basis}){(invoice.VoidedAt is { } v ? $", voided {When(v)}" : "")}");
                foreach (var line in JsonSerializer.Deserialize<List<FeeLine>>(invoice.Lines, JsonSerializerOptions.Web) ?? [])
                {
                    paragraphs.Add($"- {line.Description}: {line.Quantity} x {Money(line.UnitCents)} = {Money(line.AmountCents)} ({line.Rule})");
                }

                var paid = await db.Payments.AsNoTracking().Where(p => p.InvoiceId == invoice.Id).SumAsync(p => p.AmountCents, token);
                paragraphs.Add($"- Paid: {Money(paid)}");
            }

            Section(paragraphs, "5. Delivery");
            var deliveries = await db.Deliveries.AsNoTracking().Where(d => d.RequestId == request.Id).OrderBy(d => d.At).ToListAsync(token);
            var downloads = await db.DownloadEvents.AsNoTracking()
                .Where(e => db.DownloadLinks.Any(l => l.Id == e.LinkId && l.RequestId == request.Id)).OrderBy(e => e.At).ToListAsync(token);
            if (deliveries.Count == 0 && downloads.Count == 0)
            {
                paragraphs.Add("Not delivered.");
            }

            paragraphs.AddRange(deliveries.Select(d => $"- {When(d.At)} {d.Method}: {d.Proof}"));
            paragraphs.AddRange(downloads.Select(d => $"- Download {When(d.At)} from {d.Address ?? "unknown address"}: {d.Outcome}"));

            Section(paragraphs, "6. Who handled the request (access log)");
            var id = request.Id.ToString("D");
            var accesses = await db.AccessEvents.AsNoTracking().Where(e => e.ResourceType == "ReleaseRequest" && e.ResourceId == id)
                .OrderBy(e => e.OccurredAt).Select(e => new { e.OccurredAt, e.UserName, e.Roles, e.Action, e.Outcome, e.Details }).ToListAsync(token);
            paragraphs.AddRange(accesses.Select(a =>
                $"- {When(a.OccurredAt)} {a.UserName ?? "system"} ({string.Join(", ", a.Roles)}): {a.Action} {a.Outcome}; {a.Details}"));

            var stored = await db.RoiLetters.AsNoTracking().Where(l => l.RequestId == request.Id && l.Kind != LetterKinds.EvidencePack)
                .OrderBy(l => l.CreatedAt).ToListAsync(token);
            Section(paragraphs, "7. Letters (attached after this summary, as they went out)");
            if (stored.Count == 0)
            {
                paragraphs.Add("No letters.");
            }

            paragraphs.AddRange(stored.Select(l =>
                $"- {l.Kind} of {When(l.CreatedAt)}, {l.PageCount} page(s), SHA-256 {Convert.ToHexStringLower(l.Sha256)}{(l.SentAt is { } s ? $", sent {When(s)} by {l.SentBy}" : "")}"));

            var now = time.GetUtcNow();
            var summary = LetterPdf.Write(new LetterContent(RoiAuthorizationErrors.From, [$"Evidence pack for {request.Display}", $"Prepared {When(now)}"],
                hospital.DayOf(now), $"Evidence pack: {request.Display}", paragraphs, request.Display, $"{request.Display} evidence pack"));
            var parts = new List<byte[]> { summary };
            foreach (var letter in stored)
            {
                parts.Add(await letters.ReadAsync(letter.Id, token)
                          ?? throw new InvalidOperationException($"The bytes of letter {letter.Id:D} are missing from the document store."));
            }

            var pdf = parts.Count == 1 ? summary : PdfMerger.Merge(parts);
            int pages;
            using (var document = UglyToad.PdfPig.PdfDocument.Open(pdf))
            {
                pages = document.NumberOfPages;
            }

            var kept = await letters.SaveAsync(request.Id, request.PatientId, LetterKinds.EvidencePack, pdf, pages, token);
            timeline.Note(request, "evidence-pack", $"Evidence pack prepared ({pages} pages, {stored.Count} letter(s)).");
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(RoiAuthorizationErrors.Audit(request, AuditAction.Export, $"evidence pack {kept.Id:D}; pages={pages}; letters={stored.Count}"), token);
            return Result<EvidencePack>.Success(new EvidencePack(kept.Id, $"{request.Display}-evidence.pdf", pdf));
        }, ct);

    private async Task AuthorizationsAsync(List<string> paragraphs, ReleaseRequest request, CancellationToken ct)
    {
        var chain = await AuthorizationChain.ForRequestAsync(db, request, ct);
        if (chain.Count == 0)
        {
            paragraphs.Add("No authorization on file.");
        }

        foreach (var authorization in chain)
        {
            paragraphs.Add($"- Authorization {authorization.Id:D}: {authorization.Status}; signed {authorization.SignedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "undated"}; " +
                           $"expires {authorization.ExpiresOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? authorization.ExpirationEvent ?? "not given"}; " +
                           $"recipient {authorization.Recipient ?? "not given"}; checked {(authorization.CheckedAt is { } c ? When(c) : "not yet")}" +
                           (authorization.RevokedAt is { } r ? $"; revoked {When(r)} ({authorization.RevocationNote})" : ""));
            var findings = AuthorizationElements.Read(authorization.Elements);
            foreach (var element in AuthorizationElements.All)
            {
                if (findings.TryGetValue(element.Code, out var finding))
                {
                    paragraphs.Add($"- {element.Citation} {element.Title}: {finding.State}{(finding.Note is null ? "" : $" ({finding.Note})")}, by {finding.By}");
                }
            }
        }
    }

    private static void Section(List<string> paragraphs, string title)
    {
        paragraphs.Add("");
        paragraphs.Add(title.ToUpperInvariant());
    }

    private string When(DateTimeOffset instant) => hospital.Format(instant);

    private static string Money(int cents) => (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture) + " USD";
}
