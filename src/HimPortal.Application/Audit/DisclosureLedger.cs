using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Audit;

/// <summary>A disclosure to put in the patient's accounting (45 CFR 164.528(b)(2)).</summary>
/// <param name="LegalBasis">The rule it was made under ("45 CFR 164.512(b)"), or what made it impermissible.</param>
/// <param name="Source"><see cref="DisclosureSources"/>.</param>
/// <param name="Accountable">The accounting must list it (a 164.512 disclosure, or an impermissible one); false for releases the rule excludes (to the individual, treatment, under an authorization), kept as history.</param>
public sealed record DisclosureEntry(
    Guid PatientId,
    DateTimeOffset DisclosedAt,
    string RecipientName,
    string? RecipientAddress,
    string Description,
    string Purpose,
    string LegalBasis,
    string Source,
    bool Accountable,
    bool Impermissible = false,
    Guid? RequestId = null,
    Guid? RequestCopyDocumentId = null,
    Guid? CorrectsId = null);

/// <summary>
/// The one way into the accounting of disclosures (roi.disclosures, append-only in PostgreSQL). In the core so that every
/// workflow that discloses or finds a disclosure records it the same way: release of information when a packet is
/// delivered, document intake when a misfiled page turns out to have been released, the patient index when an overlay was
/// disclosed. The row joins the caller's unit of work: it commits or rolls back with what it accounts for.
/// </summary>
public sealed class DisclosureLedger(HimDbContext db, IAuditActorAccessor actors, TimeProvider time)
{
    public Disclosure Add(DisclosureEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var row = new Disclosure
        {
            Id = Guid.CreateVersion7(),
            PatientId = entry.PatientId,
            DisclosedAt = entry.DisclosedAt,
            RecipientName = entry.RecipientName,
            RecipientAddress = entry.RecipientAddress,
            Description = entry.Description,
            Purpose = entry.Purpose,
            LegalBasis = entry.LegalBasis,
            Source = entry.Source,
            Impermissible = entry.Impermissible,
            // An impermissible disclosure is always accounted for (164.528(a)(1) excludes only permitted ones).
            Accountable = entry.Accountable || entry.Impermissible,
            RequestId = entry.RequestId,
            RequestCopyDocumentId = entry.RequestCopyDocumentId,
            CorrectsId = entry.CorrectsId,
            RecordedAt = time.GetUtcNow(),
            RecordedByUserId = actors.Current.UserId,
        };
        db.Disclosures.Add(row);
        return row;
    }

    /// <summary>
    /// Items of <paramref name="rightPatient"/> that sat in another patient's record and went out in a released packet of
    /// that record's release request (a misfiled page, an overlay): each such release is an impermissible disclosure of the
    /// right patient's information, accounted for (164.528(a)(1)). Packet items name their item by type and id ("D").
    /// Returns how many releases were recorded; the rows join the caller's unit of work.
    /// </summary>
    public async Task<int> AddReleasedInErrorAsync(Guid rightPatient, string resourceType, IReadOnlyCollection<Guid> itemIds, string description, string source,
        string basis, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        var keys = itemIds.Select(i => i.ToString("D")).ToList();
        var releases = await (
                from item in db.PacketItems
                where item.ResourceType == resourceType && keys.Contains(item.ResourceKey) && item.Included
                join packet in db.Packets on item.RequestId equals packet.RequestId
                where packet.Status == PacketStatuses.Released
                join request in db.ReleaseRequests on item.RequestId equals request.Id
                select new { request.Id, request.Number, request.RequesterName, request.RequesterOrganization, request.RequesterAddress, packet.ReleasedAt })
            .Distinct().ToListAsync(ct);
        foreach (var release in releases)
        {
            var recipient = string.IsNullOrWhiteSpace(release.RequesterOrganization) ? release.RequesterName : $"{release.RequesterName}, {release.RequesterOrganization}";
            Add(new DisclosureEntry(rightPatient, release.ReleasedAt ?? time.GetUtcNow(), recipient,
                release.RequesterAddress?.Replace("\n", ", ", StringComparison.Ordinal).Trim(), description,
                "Released in error with another patient's records", $"impermissible: {basis} {ReleaseRequest.FormatNumber(release.Number)}", source,
                Accountable: true, Impermissible: true, RequestId: release.Id));
        }

        return releases.Count;
    }
}
