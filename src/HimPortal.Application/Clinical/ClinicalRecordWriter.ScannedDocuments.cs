using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Clinical;

/// <summary>
/// What filing a scanned document puts in the record: a DocumentReference of the patient (and maybe an encounter), whose
/// content is the scanned pages HimPortal keeps (<see cref="ContentUrl"/>), not text.
/// </summary>
/// <param name="DocumentId">The scanned document (documents.documents); the DocumentReference's FHIR id is made from it.</param>
/// <param name="LoincCode">The catalogue type's LOINC document code; null for a local type (Correspondence).</param>
/// <param name="AuthorPractitionerId">One of our practitioners, when the author is one; else the author's name is in the JSON only.</param>
/// <param name="BearsSignature">Whether the paper bears its author's signature: the DocumentReference's docStatus is final then, and an authenticator is named (chart completion counts it).</param>
public sealed record ScannedDocumentNote(
    Guid DocumentId,
    Guid PatientId,
    Guid? EncounterId,
    string TypeName,
    string? LoincCode,
    DateTimeOffset? Date,
    string? Author,
    Guid? AuthorPractitionerId,
    bool BearsSignature,
    DateTimeOffset? SignedAt,
    string MediaType,
    int PageCount)
{
    /// <summary>Where the pages are: HimPortal's own reference to the scanned document (the chart opens it through the gate).</summary>
    public string ContentUrl => $"urn:himportal:scanned-document:{DocumentId:D}";
}

public sealed partial class ClinicalRecordWriter
{
    /// <summary>The FHIR id of the DocumentReference filed for a scanned document: the document's id, so filing twice cannot add two.</summary>
    public static string ScannedDocumentFhirId(Guid documentId) => $"scan-{documentId:D}";

    /// <summary>
    /// Files a scanned document into the patient's record as a DocumentReference, in the caller's transaction (the
    /// DbContext's), and bumps the record's version. The encounter must be the patient's (checked here, and by the
    /// record's reference triggers). Returns the DocumentReference's key. A scanned document is filed once: moving it to
    /// another patient is a correction (<see cref="CorrectAsync"/>), changing its type, encounter or date is
    /// <see cref="ReviseScannedDocumentAsync"/>.
    /// </summary>
    public static async Task<Guid> FileScannedDocumentAsync(HimDbContext db, ScannedDocumentNote note, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(note);
        var references = await ReferencesAsync(db, note, ct);
        var fhirId = ScannedDocumentFhirId(note.DocumentId);
        var key = ClinicalKeys.For("DocumentReference", fhirId);
        var json = DocumentReferenceJson(fhirId, note, references).ToJsonString();
        db.Set<ClinicalNote>().Add(new ClinicalNote
        {
            Id = key,
            FhirId = fhirId,
            Resource = json,
            SourceHash = SHA256.HashData(Encoding.UTF8.GetBytes(json)),
            ImportedAt = now,
            PatientId = note.PatientId,
            EncounterId = note.EncounterId,
            Status = "current",
            TypeCode = note.LoincCode,
            TypeDisplay = note.TypeName,
            Date = note.Date,
            AuthorId = note.AuthorPractitionerId,
            ContentType = note.MediaType,
            Text = null,
            DocStatus = note.BearsSignature ? "final" : "preliminary",
            AuthenticatorId = note.BearsSignature ? note.AuthorPractitionerId : null,
        });
        await db.SaveChangesAsync(ct);
        await BumpAsync(db, [note.PatientId], ct);
        await StaysToAnalyse.QueueAsync(db, [key], "scanned document filed", now, ct);
        return key;
    }

    /// <summary>
    /// Changes a filed scanned document's encounter, type, date, author or signature within the same patient's record
    /// (a QA correction that is not a misfile), in the caller's transaction: the row and its JSON are amended and the
    /// record's version bumped. The patient never changes here.
    /// </summary>
    public static async Task ReviseScannedDocumentAsync(HimDbContext db, Guid noteId, ScannedDocumentNote note, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(note);
        var row = await db.Set<ClinicalNote>().SingleAsync(n => n.Id == noteId, ct);
        if (row.PatientId != note.PatientId)
        {
            throw new InvalidOperationException("A scanned document moves to another patient only by a correction (ADR 0015).");
        }

        var references = await ReferencesAsync(db, note, ct);
        var json = DocumentReferenceJson(row.FhirId, note, references).ToJsonString();
        Guid? formerEncounter = row.EncounterId;
        row.Resource = json;
        row.SourceHash = SHA256.HashData(Encoding.UTF8.GetBytes(json));
        row.EncounterId = note.EncounterId;
        row.TypeCode = note.LoincCode;
        row.TypeDisplay = note.TypeName;
        row.Date = note.Date;
        row.AuthorId = note.AuthorPractitionerId;
        row.DocStatus = note.BearsSignature ? "final" : "preliminary";
        row.AuthenticatorId = note.BearsSignature ? note.AuthorPractitionerId : null;
        await db.SaveChangesAsync(ct);
        await BumpAsync(db, [note.PatientId], ct);
        // The stay it left (if it moved) and the stay it is in now are both looked at again.
        await StaysToAnalyse.QueueAsync(db, formerEncounter is { } former ? [noteId, former] : [noteId], "scanned document revised", now, ct);
    }

    /// <summary>The FHIR ids the JSON refers to (patient, encounter, author), as the import's references read: <c>urn:uuid:&lt;FHIR id&gt;</c>.</summary>
    private sealed record References(string Patient, string? Encounter, string? Author);

    private static async Task<References> ReferencesAsync(HimDbContext db, ScannedDocumentNote note, CancellationToken ct)
    {
        var patient = await db.Set<Patient>().Where(p => p.Id == note.PatientId).Select(p => p.FhirId).SingleOrDefaultAsync(ct)
            ?? throw new InvalidOperationException("A scanned document is filed to a patient of the record.");
        string? encounter = null;
        if (note.EncounterId is { } encounterId)
        {
            encounter = await db.Set<Encounter>().Where(e => e.Id == encounterId && e.PatientId == note.PatientId).Select(e => e.FhirId).SingleOrDefaultAsync(ct)
                ?? throw new InvalidOperationException("The encounter is not the patient's: a document is never filed across two records.");
        }

        string? author = null;
        if (note.AuthorPractitionerId is { } practitionerId)
        {
            author = await db.Set<Practitioner>().Where(p => p.Id == practitionerId).Select(p => p.FhirId).SingleOrDefaultAsync(ct)
                ?? throw new InvalidOperationException("The author is not a practitioner of the record.");
        }

        return new References(patient, encounter, author);
    }

    /// <summary>A US Core–shaped DocumentReference for a scanned document (type by LOINC where the catalogue has one; category clinical-note).</summary>
    private static JsonObject DocumentReferenceJson(string fhirId, ScannedDocumentNote note, References references)
    {
        var coding = new JsonArray();
        if (note.LoincCode is not null)
        {
            coding.Add(new JsonObject { ["system"] = "http://loinc.org", ["code"] = note.LoincCode, ["display"] = note.TypeName });
        }

        var json = new JsonObject
        {
            ["resourceType"] = "DocumentReference",
            ["id"] = fhirId,
            ["status"] = "current",
            ["docStatus"] = note.BearsSignature ? "final" : "preliminary",
            ["type"] = new JsonObject { ["coding"] = coding, ["text"] = note.TypeName },
            ["category"] = new JsonArray(new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject
                {
                    ["system"] = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                    ["code"] = "clinical-note",
                }),
            }),
            ["subject"] = new JsonObject { ["reference"] = $"urn:uuid:{references.Patient}" },
            ["content"] = new JsonArray(new JsonObject
            {
                ["attachment"] = new JsonObject
                {
                    ["contentType"] = note.MediaType,
                    ["url"] = note.ContentUrl,
                    ["title"] = $"{note.TypeName} (scanned, {note.PageCount} page{(note.PageCount == 1 ? "" : "s")})",
                },
            }),
        };
        if (note.Date is { } date)
        {
            json["date"] = date.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (note.Author is not null || note.AuthorPractitionerId is not null)
        {
            var author = new JsonObject { ["display"] = note.Author };
            if (references.Author is { } practitioner)
            {
                author["reference"] = $"urn:uuid:{practitioner}";
            }

            json["author"] = new JsonArray(author);
            if (note.BearsSignature)
            {
                json["authenticator"] = author.DeepClone();
            }
        }

        if (references.Encounter is { } encounter)
        {
            json["context"] = new JsonObject { ["encounter"] = new JsonArray(new JsonObject { ["reference"] = $"urn:uuid:{encounter}" }) };
        }

        if (note.SignedAt is { } signedAt)
        {
            // Where the paper was signed: US Core has no element for it; an extension keeps it with the resource.
            json["extension"] = new JsonArray(new JsonObject
            {
                ["url"] = "urn:himportal:fhir:scanned-document-signed-at",
                ["valueDateTime"] = signedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            });
        }

        return json;
    }
}
