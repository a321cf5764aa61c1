using System.Globalization;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets;

/// <summary>One item chosen for a packet, by type and key, with its regions to remove.</summary>
public sealed record ChosenItem(string ResourceType, string ResourceKey, string Title, DateOnly? Date, IReadOnlyList<string> Labels,
    IReadOnlyList<RegionMark> Redactions);

/// <summary>
/// Turns a request (or the HIM copy's stand-in request) and its chosen items into what <see cref="PacketWriter"/> writes:
/// each item's content read with the entries inside it the release does not cover left out, the cover letter and whether
/// the 42 CFR 2.32 notice goes in. Shared by the build job and the console export.
/// </summary>
public static class PacketAssembly
{
    public static async Task<PacketSpec> SpecAsync(HimDbContext db, SensitivityReader sensitivity, PacketContent content, ReleaseRequest request,
        Authorization? authorization, IReadOnlyCollection<string> extraRestricted, IReadOnlyList<ChosenItem> items, IReadOnlyList<string> cover,
        string footer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(sensitivity);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(items);
        var withheld = await WithheldAsync(db, sensitivity, request, authorization, extraRestricted, ct);
        var entries = new List<PacketEntry>(items.Count);
        foreach (var item in items)
        {
            var read = await content.ReadAsync(item.ResourceType, Guid.Parse(item.ResourceKey), withheld, ct);
            entries.Add(new PacketEntry(item.ResourceType, item.ResourceKey, item.Title, item.Date, read, item.Redactions));
        }

        entries.AddRange(await AmendmentRecordsAsync(db, content, items, withheld, ct));
        var part2 = items.Any(i => i.Labels.Contains(PacketCoverage.Part2, StringComparer.Ordinal));
        return new PacketSpec(footer, cover, part2, entries);
    }

    /// <summary>
    /// What goes with the released items of the requests to amend them (<see cref="PacketAmendments"/>): an accepted
    /// amendment's appended document, when the release does not hold it already (45 CFR 164.526(c)(1)); for a disputed
    /// item, a page with the request, the denial, the statement of disagreement and any rebuttal ((d)(4)-(5)).
    /// </summary>
    public static async Task<IReadOnlyList<PacketEntry>> AmendmentRecordsAsync(HimDbContext db, PacketContent content, IReadOnlyList<ChosenItem> items,
        Func<string, Guid, bool> withheld, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(items);
        var released = await PacketAmendments.ReleasedAsync(db, items, withheld, ct);
        var entries = new List<PacketEntry>();
        foreach (var a in await PacketAmendments.ForAsync(db, released, ct))
        {
            if (PacketAmendments.Disputed(a))
            {
                entries.Add(new PacketEntry("AmendmentRequest", a.Id.ToString("D"), PacketAmendments.Title(a), PacketAmendments.Day(a),
                    new ItemContent(PacketAmendments.Lines(a), []), []));
            }
            else if (a.AmendmentDocumentId is { } document && !released.Contains((PacketItemTypes.Note, document)))
            {
                entries.Add(new PacketEntry(PacketItemTypes.Note, document.ToString("D"), $"Amendment {a.Display} of {a.ItemDescription}",
                    a.DecidedAt is { } decided ? DateOnly.FromDateTime(decided.UtcDateTime) : null,
                    await content.ReadAsync(PacketItemTypes.Note, document, withheld, ct), []));
            }
        }

        return entries;
    }

    /// <summary>Whether an entry of the record (type and id) carries a label this release does not cover.</summary>
    public static async Task<Func<string, Guid, bool>> WithheldAsync(HimDbContext db, SensitivityReader sensitivity, ReleaseRequest request,
        Authorization? authorization, IReadOnlyCollection<string> extraRestricted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(sensitivity);
        ArgumentNullException.ThrowIfNull(request);
        var entryLabels = new Dictionary<(string, Guid), List<string>>();
        foreach (var record in await Patients.Persons.PersonRecords.OfAsync(db, request.PatientId, ct))
        {
            foreach (var label in (await sensitivity.ReadAsync(record, null, includeRemoved: false, ct)).InForce.Where(l => l.ResourceType != LabelledItems.Patient))
            {
                if (!entryLabels.TryGetValue((label.ResourceType, label.ResourceId), out var list))
                {
                    entryLabels[(label.ResourceType, label.ResourceId)] = list = [];
                }

                list.Add(label.LabelCode);
            }
        }

        return (type, id) => entryLabels.TryGetValue((type, id), out var labels)
                             && PacketCoverage.Withheld(request, authorization, extraRestricted, labels) is not null;
    }

    /// <summary>The cover letter: who it is for, what is enclosed, what was left out and why in general terms, the legal basis.</summary>
    public static async Task<IReadOnlyList<string>> CoverAsync(HimDbContext db, ReleaseRequest request, DateOnly today, int included,
        IReadOnlyList<PacketItem> leftOut, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(leftOut);
        var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == request.PatientId)
            .Select(p => new { p.GivenNames, p.FamilyName, p.BirthDate }).SingleAsync(ct);
        var rule = RequesterRules.For(request.RequesterType);
        var lines = new List<string>
        {
            "Health Information Management - Release of Information",
            today.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture),
            "",
            request.RequesterName,
        };
        if (request.RequesterOrganization is not null)
        {
            lines.Add(request.RequesterOrganization);
        }

        lines.AddRange((request.RequesterAddress ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        lines.AddRange(
        [
            "",
            $"Reference: {request.Display}",
            $"Re: Release of records of {patient.GivenNames} {patient.FamilyName}, born {patient.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-"}",
            "",
            $"Enclosed are {included} item(s) of the patient's record, released as {rule.Title.ToLowerInvariant()} ({rule.Citation}).",
            $"Purpose given: {request.Purpose ?? "not stated"}.",
            "",
        ]);
        // Care a minor consented to alone is not counted, even in general terms, in a representative's copy: telling the
        // parent that such care exists would disclose it to someone who is not the minor's representative for it (45 CFR
        // 164.502(g)(3)). The specialist still sees each such item, and why, on the packet page.
        leftOut = [.. leftOut.Where(i => !i.LabelCodes.Any(l => PacketCoverage.NotForRequester(request, l) is not null))];
        var outOfScope = leftOut.Count(i => i.ExclusionReason?.StartsWith("out of scope", StringComparison.Ordinal) == true);
        var sensitive = leftOut.Count(i => i.LabelCodes.Length > 0 && i.ExclusionReason?.StartsWith("out of scope", StringComparison.Ordinal) != true);
        var other = leftOut.Count - outOfScope - sensitive;
        if (leftOut.Count == 0)
        {
            lines.Add("Nothing within the scope of the request was left out.");
        }
        else
        {
            lines.Add("Left out of this release:");
            if (outOfScope > 0)
            {
                lines.Add($"- {outOfScope} item(s) outside what the request asks for.");
            }

            if (sensitive > 0)
            {
                lines.Add($"- {sensitive} item(s) of information specially protected by law that this release does not cover (for example");
                lines.Add("  psychotherapy notes, 45 CFR 164.508(a)(2); substance use disorder records, 42 CFR Part 2; state-protected information).");
            }

            if (other > 0)
            {
                lines.Add($"- {other} item(s) left out by the release specialist (for example as more than the minimum necessary, 45 CFR 164.502(b)).");
            }
        }

        lines.AddRange(
        [
            "",
            "Every page carries this release's reference, its recipient and its page number. The manifest on the last page(s)",
            "lists every item with the SHA-256 of what of it was released; the SHA-256 of this whole file is given with its",
            "delivery and kept with the request.",
        ]);
        return lines;
    }
}
