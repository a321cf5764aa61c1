using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Patients.Matching;
using HimPortal.Data;
using HimPortal.Data.Mpi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Mpi.GetPair;

public sealed record GetPairQuery(long PairId);

/// <summary>One decision on the pair, for its history.</summary>
public sealed record PairDecisionView(string Decision, string? UserName, DateTimeOffset At, double Score, string? Note);

/// <summary>
/// What the combined chart would hold if the pair were linked (issue 16 item 4's link preview): per section each record's
/// count and both together with the dates spanned, and what the reviewer should weigh before confirming.
/// </summary>
public sealed record LinkPreview(IReadOnlyList<PreviewSection> Sections, IReadOnlyList<string> Warnings, bool BothHoldClinicalData);

public sealed record PreviewSection(string Section, SectionCount A, SectionCount B, SectionCount Together);

/// <param name="SecondReviewerNeeded">A "same person" now waits for a second reviewer (both records hold clinical data and the setting is on).</param>
/// <param name="MayConfirm">False when the reader gave the first review: they may not be the second.</param>
public sealed record PairView(
    long Id,
    PairRecordDetails A,
    PairRecordDetails B,
    double Score,
    double Weight,
    string Status,
    string Source,
    string Reason,
    IReadOnlyList<FieldComparison> Fields,
    DateTimeOffset FoundAt,
    string? FirstReviewer,
    DateTimeOffset? FirstReviewedAt,
    string? DecisionNote,
    uint Version,
    LinkPreview Preview,
    IReadOnlyList<PairDecisionView> History,
    bool SecondReviewerNeeded,
    bool MayConfirm)
{
    public bool IsOpen => PairStatuses.Open.Contains(Status);

    /// <summary>The comparison of a field, if the matcher compared it.</summary>
    public FieldComparison? Field(string field) => Fields.FirstOrDefault(f => f.Field == field);
}

/// <summary>
/// A pair side by side (issue 16 item 3): both records' demographics and identifiers, the stored field-by-field
/// explanation (which holds no values: these come from the records, so they are never stale), the score, the reason and
/// every decision so far, with the link preview. Audited as a view of each record (two rows, one per patient).
/// </summary>
[RequiresPermission(Permissions.MpiReview)]
public sealed class GetPairHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors)
    : Handler<GetPairQuery, Result<PairView>>(permissions)
{
    private readonly PermissionCheck _permissions = permissions;

    protected override async Task<Result<PairView>> ExecuteAsync(GetPairQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var marks = _permissions.Holds(Permissions.ChartAccessManage) || _permissions.Holds(Permissions.AuditReview);
        var reader = actors.Current.UserId;
        return await db.InTransactionAsync<Result<PairView>>(async token =>
        {
            var pair = await db.CandidatePairs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == query.PairId, token);
            if (pair is null)
            {
                return MpiErrors.NoSuchPair;
            }

            var records = await PairRecordDetails.ReadAsync(db, [pair.RecordA, pair.RecordB], marks, token);
            var contents = await RecordContents.ReadAsync(db, [pair.RecordA, pair.RecordB], token);
            var history = await db.PairDecisions.AsNoTracking().Where(d => d.PairId == pair.Id).OrderBy(d => d.Id)
                .Select(d => new PairDecisionView(d.Decision, db.Users.Where(u => u.Id == d.UserId).Select(u => u.DisplayName).FirstOrDefault(), d.DecidedAt, d.Score, d.Note))
                .ToListAsync(token);
            var firstReviewer = pair.FirstReviewerUserId is { } first
                ? await db.Users.Where(u => u.Id == first).Select(u => u.DisplayName).FirstOrDefaultAsync(token)
                : null;
            var secondReviewer = await DecidePair.SecondReviewer.RequiredAsync(db, token);
            var (a, b) = (records[pair.RecordA], records[pair.RecordB]);
            var preview = Preview(a, b, contents[pair.RecordA], contents[pair.RecordB]);

            foreach (var (patient, other) in new[] { (pair.RecordA, pair.RecordB), (pair.RecordB, pair.RecordA) })
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "CandidatePair", pair.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    patient, "HOPERAT", $"duplicate pair review with link preview; other record {other:D}; status={pair.Status}"), token);
            }

            return Result<PairView>.Success(new PairView(pair.Id, a, b, pair.Score, pair.Weight, pair.Status, pair.Source, pair.Reason,
                FieldComparison.FromJson(pair.Explanation), pair.FoundAt, firstReviewer, pair.FirstReviewedAt, pair.DecisionNote, pair.Version,
                preview, history, secondReviewer && preview.BothHoldClinicalData,
                !(pair.Status == PairStatuses.AwaitingSecond && pair.FirstReviewerUserId == reader)));
        }, ct);
    }

    private static LinkPreview Preview(PairRecordDetails a, PairRecordDetails b, RecordContents inA, RecordContents inB)
    {
        var sections = RecordContents.SectionNames
            .Select(s => new PreviewSection(s, inA[s], inB[s], SectionCount.Together(s, [inA[s], inB[s]])))
            .ToList();
        var warnings = new List<string>();
        if (a.Sex is not null && b.Sex is not null && !string.Equals(a.Sex, b.Sex, StringComparison.OrdinalIgnoreCase))
        {
            warnings.Add("The records disagree on sex.");
        }

        if (a.BirthDate is not null && b.BirthDate is not null && a.BirthDate != b.BirthDate)
        {
            warnings.Add("The records disagree on birth date.");
        }

        var both = inA.HoldsClinicalData && inB.HoldsClinicalData;
        if (both)
        {
            warnings.Add("Both records hold clinical data: the combined chart will mix them, so be sure they are one person.");
        }

        if (a.Restricted == true || b.Restricted == true)
        {
            warnings.Add("A record is restricted: the restriction will apply to the whole person.");
        }

        return new LinkPreview(sections, warnings, both);
    }
}
