using System.Security.Cryptography;
using System.Text;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Inbox.GetDraft;

public sealed record GetDraftQuery(Guid DraftId);

public sealed record DraftView(
    Guid Id,
    Guid PatientId,
    string PatientName,
    string? Mrn,
    Guid EncounterId,
    string TypeCode,
    string TypeDisplay,
    string Text,
    Guid? DeficiencyId,
    Guid? AddendumToId,
    string? AddendumToTitle,
    string Status,
    Guid? SignedDocumentId,
    uint Version)
{
    /// <summary>The SHA-256 of the text as shown (what signing it binds to).</summary>
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)));
}

/// <summary>One of the physician's own drafts, read through the chart gate (audited as a view of the stay).</summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class GetDraftHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate, InboxSigning signing)
    : Handler<GetDraftQuery, ChartRead<DraftView>>(permissions)
{
    private static readonly ChartSection[] Shown = [ChartSection.NoteText];

    protected override async Task<ChartRead<DraftView>> ExecuteAsync(GetDraftQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var userId = signing.UserId;
        var found = await db.DocumentDrafts.AsNoTracking().Where(d => d.Id == query.DraftId && d.AuthorUserId == userId)
            .Select(d => new { d.PatientId, d.EncounterId }).SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return ChartRead<DraftView>.NotFound();
        }

        return await gate.ReadAsync<DraftView>(found.PatientId, "Encounter", found.EncounterId.ToString("D"), Shown, async (entry, token) =>
        {
            var view = await db.DocumentDrafts.AsNoTracking().Where(d => d.Id == query.DraftId)
                .Select(d => new DraftView(d.Id, d.PatientId, "", null, d.EncounterId, d.TypeCode, d.TypeDisplay, d.Text, d.DeficiencyId, d.AddendumToId,
                    db.Set<ClinicalNote>().Where(n => n.Id == d.AddendumToId).Select(n => n.TypeDisplay).FirstOrDefault(),
                    d.Status, d.SignedDocumentId, d.Version))
                .SingleAsync(token);
            return (view with { PatientName = GetInbox.GetInboxHandler.Name(entry.Patient.GivenNames, entry.Patient.FamilyName), Mrn = entry.Patient.Mrn }, Shown);
        }, ct);
    }
}
