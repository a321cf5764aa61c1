using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Authorizations.GetAuthorizationPage;

public sealed record GetAuthorizationPageQuery(Guid RequestId);

public sealed record RequestSummary(
    Guid Id, Guid PatientId, string Number, string Status, string? StatusReason, string RequesterType, string RequesterTitle, string RequesterName,
    bool Individual, bool NeedsAuthorization, bool LegalProcess, uint Version,
    DateOnly? ReturnDate, bool CertificationRequested, string? LegalObjections, bool QuashMotionPending, string? SatisfactoryAssurances,
    bool Part2CourtOrder, IReadOnlyList<string> OrderCoversLabels);

public sealed record AuthorizationView(Authorization Row, IReadOnlyDictionary<string, ElementFinding> Findings, IReadOnlyList<AutomaticDefect> Automatic);

public sealed record DocumentChoice(Guid Id, string Title, int Pages);

public sealed record LabelChoice(string Code, string Title);

public sealed record LetterRow(Guid Id, string Kind, DateTimeOffset CreatedAt, int Pages);

/// <summary>Everything the authorization tab shows: the request, its authorizations and their check, the legal process, letters, what blocks release.</summary>
public sealed record AuthorizationPage(
    RequestSummary Request,
    IReadOnlyList<AuthorizationView> Authorizations,
    IReadOnlyList<DocumentChoice> Documents,
    IReadOnlyList<LabelChoice> Labels,
    IReadOnlyList<LetterRow> Letters,
    IReadOnlyList<string> Blockers,
    SensitiveCoverage Coverage);

/// <summary>The authorization tab of a request (the view is audited: it shows the patient's authorization).</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class GetAuthorizationPageHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    ReleaseGate gate,
    HospitalTime hospital,
    TimeProvider time) : Handler<GetAuthorizationPageQuery, Result<AuthorizationPage>>(permissions)
{
    protected override async Task<Result<AuthorizationPage>> ExecuteAsync(GetAuthorizationPageQuery query, CancellationToken ct) =>
        await db.InTransactionAsync<Result<AuthorizationPage>>(async token =>
        {
            var request = await db.ReleaseRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.RequestId, token);
            if (request is null)
            {
                return RoiAuthorizationErrors.NotFound;
            }

            var rule = RequesterRules.For(request.RequesterType);
            var today = hospital.DayOf(time.GetUtcNow());
            var died = await AuthorizationChange.PatientDiedOnAsync(db, hospital, request.PatientId, token);
            var chain = await AuthorizationChain.ForRequestAsync(db, request, token);
            var views = chain.Select(a => new AuthorizationView(a, AuthorizationElements.Read(a.Elements),
                AuthorizationElements.AutomaticDefects(a, today, died))).ToList();
            var documents = await (
                    from d in db.Set<ScannedDocument>().AsNoTracking()
                    where d.PatientId == request.PatientId
                    join t in db.Set<DocumentType>() on d.DocumentTypeId equals t.Id into types
                    from t in types.DefaultIfEmpty()
                    orderby d.ReceivedAt descending
                    select new { d.Id, Type = t == null ? "Unindexed document" : t.Name, d.DocumentDate, d.ReceivedAt, d.PageCount })
                .Take(200).ToListAsync(token);
            var labels = await db.SensitivityLabels.AsNoTracking().Where(l => l.Active).OrderBy(l => l.Code)
                .Select(l => new LabelChoice(l.Code, l.Title)).ToListAsync(token);
            var letters = await db.RoiLetters.AsNoTracking().Where(l => l.RequestId == request.Id).OrderBy(l => l.CreatedAt)
                .Select(l => new LetterRow(l.Id, l.Kind, l.CreatedAt, l.PageCount)).ToListAsync(token);
            var blockers = await gate.BlockersAsync(request, token);
            var coverage = await SensitiveCoverage.ForRequestAsync(db, request, token);
            await audit.RecordAsync(RoiAuthorizationErrors.Audit(request, AuditAction.View, $"authorization tab; authorizations={chain.Count}"), token);
            return Result<AuthorizationPage>.Success(new AuthorizationPage(
                new RequestSummary(request.Id, request.PatientId, request.Display, request.Status, request.StatusReason, request.RequesterType, rule.Title, request.RequesterName,
                    rule.Individual, rule.NeedsAuthorization, rule.LegalProcess, request.Version, request.ReturnDate, request.CertificationRequested,
                    request.LegalObjections, request.QuashMotionPending, request.SatisfactoryAssurances, request.Part2CourtOrder, request.OrderCoversLabels),
                views,
                documents.Select(d => new DocumentChoice(d.Id,
                    $"{d.Type}, {(d.DocumentDate ?? hospital.DayOf(d.ReceivedAt)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}", d.PageCount)).ToList(),
                labels, letters, blockers, coverage));
        }, ct);
}
