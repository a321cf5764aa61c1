using System.Globalization;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets;

/// <summary>
/// What of a request to amend goes with a released item (45 CFR 164.526), for the PDF and the FHIR packet alike: an
/// accepted amendment's appended document ((c)(1): identify the item and link the amendment to it), and for a denied
/// request with a statement of disagreement ((d)(5)(i)), or whose patient asked that the request and the denial go with
/// future disclosures ((d)(5)(ii)), the request, the denial, the statement and any rebuttal ((d)(4)). Read from
/// portal.amendments as data, not through the portal's code.
/// </summary>
public static class PacketAmendments
{
    /// <summary>The requests whose record goes with the released entries (type and key as sensitivity labels name them), oldest first.</summary>
    public static async Task<IReadOnlyList<AmendmentRequest>> ForAsync(HimDbContext db, IReadOnlyCollection<(string Type, Guid Id)> released, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(released);
        var ids = released.Select(r => r.Id).Distinct().ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        var rows = await db.AmendmentRequests.AsNoTracking()
            .Where(a => ids.Contains(a.ResourceId)
                        && ((a.Status == AmendmentStatuses.Accepted && a.AmendmentDocumentId != null)
                            || (a.Status == AmendmentStatuses.Denied && (a.DisagreementText != null || a.IncludeWithDisclosuresAt != null))))
            .OrderBy(a => a.Number).ToListAsync(ct);
        var set = released.ToHashSet();
        return [.. rows.Where(a => set.Contains((a.ResourceType, a.ResourceId)))];
    }

    /// <summary>A denied request whose record goes with the item (the request and denial, and the statement and rebuttal when filed).</summary>
    public static bool Disputed(AmendmentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Status == AmendmentStatuses.Denied;
    }

    /// <summary>
    /// The entries of the record a packet of <paramref name="items"/> releases: the items, and the entries recorded in a
    /// released encounter or reported in a released report that the release covers (what the PDF lists of them), and a
    /// scanned document's DocumentReference.
    /// </summary>
    public static async Task<IReadOnlyCollection<(string Type, Guid Id)>> ReleasedAsync(HimDbContext db, IReadOnlyList<ChosenItem> items,
        Func<string, Guid, bool> withheld, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(withheld);
        var released = new HashSet<(string, Guid)>();
        foreach (var item in items)
        {
            if (Guid.TryParse(item.ResourceKey, out var id))
            {
                released.Add((item.ResourceType, id));
            }
        }

        var encounters = items.Where(i => i.ResourceType == PacketItemTypes.Encounter).Select(i => Guid.Parse(i.ResourceKey)).ToArray();
        var reports = items.Where(i => i.ResourceType == PacketItemTypes.Report).Select(i => Guid.Parse(i.ResourceKey)).ToArray();
        void Add(string type, IEnumerable<Guid> ids)
        {
            foreach (var id in ids.Where(id => !withheld(type, id)))
            {
                released.Add((type, id));
            }
        }

        if (encounters.Length > 0)
        {
            Add("Condition", await db.Set<Condition>().Where(x => x.EncounterId != null && encounters.Contains(x.EncounterId.Value)).Select(x => x.Id).ToListAsync(ct));
            Add("Observation", await db.Set<Observation>().Where(x => x.EncounterId != null && encounters.Contains(x.EncounterId.Value)).Select(x => x.Id).ToListAsync(ct));
            Add("Procedure", await db.Set<Procedure>().Where(x => x.EncounterId != null && encounters.Contains(x.EncounterId.Value)).Select(x => x.Id).ToListAsync(ct));
            Add("MedicationRequest", await db.Set<MedicationRequest>().Where(x => x.EncounterId != null && encounters.Contains(x.EncounterId.Value)).Select(x => x.Id).ToListAsync(ct));
        }

        // A filed scanned document is, in the record, its DocumentReference: a request names that.
        var scanned = items.Where(i => i.ResourceType == PacketItemTypes.Scanned).Select(i => Guid.Parse(i.ResourceKey)).ToArray();
        if (scanned.Length > 0)
        {
            Add(PacketItemTypes.Note, await db.Set<Data.Documents.ScannedDocument>().Where(d => scanned.Contains(d.Id) && d.ClinicalNoteId != null)
                .Select(d => d.ClinicalNoteId!.Value).ToListAsync(ct));
        }

        if (reports.Length > 0)
        {
            Add("Observation", await db.Set<DiagnosticReportResult>().Where(r => reports.Contains(r.ParentId)).Select(r => r.ObservationId).ToListAsync(ct));
        }

        return released;
    }

    public static string Title(AmendmentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.DisagreementText is not null
            ? $"Disputed item: request to amend {request.Display} and statement of disagreement"
            : $"Disputed item: request to amend {request.Display} and its denial";
    }

    /// <summary>The request, the denial, the statement of disagreement and any rebuttal, as plain lines (a PDF page, a FHIR attachment).</summary>
    public static IReadOnlyList<string> Lines(AmendmentRequest a)
    {
        ArgumentNullException.ThrowIfNull(a);
        static string Day(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-";
        var lines = new List<string>
        {
            $"This item of the record is disputed: {a.ItemDescription}.",
            a.DisagreementText is not null
                ? "The law requires that the patient's request to amend it, the denial, the patient's statement of disagreement and any rebuttal"
                : "The patient filed no statement of disagreement and asked that the request to amend it and the denial",
            a.DisagreementText is not null
                ? "go with every disclosure of the item (45 CFR 164.526(d)(4)-(5))."
                : $"go with every future disclosure of the item (asked {Day(a.IncludeWithDisclosuresAt)}; 45 CFR 164.526(d)(5)(ii)).",
            "",
            $"Request {a.Display}, received {Day(a.ReceivedAt)}:",
            "Change asked for: " + a.RequestedChange,
            "Reason given: " + a.Reason,
            "",
            $"Denied {Day(a.DecidedAt)} on the ground \"{a.DenialGround}\" (45 CFR 164.526(a)(2)):",
            a.DenialExplanation ?? "",
        };
        if (a.DisagreementText is not null)
        {
            lines.AddRange(["", $"The patient's statement of disagreement, filed {Day(a.DisagreementAt)}:", a.DisagreementText]);
        }

        if (a.RebuttalText is not null)
        {
            lines.AddRange(["", $"The hospital's rebuttal, {Day(a.RebuttalAt)}:", a.RebuttalText]);
        }

        return lines;
    }

    /// <summary>The day the record was last added to (the statement, or the patient's (d)(5)(ii) request, or the denial).</summary>
    public static DateOnly Day(AmendmentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var at = request.DisagreementAt ?? request.IncludeWithDisclosuresAt ?? request.DecidedAt ?? request.ReceivedAt;
        return DateOnly.FromDateTime(at.UtcDateTime);
    }
}
