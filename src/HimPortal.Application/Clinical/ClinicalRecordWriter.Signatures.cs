using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Clinical;

/// <summary>
/// A document a physician wrote in HimPortal (chart completion): a discharge summary, H&amp;P or operative report they
/// owed, or an addendum to a signed document. It enters the record already signed: docStatus final, the author its
/// authenticator (42 CFR 482.24(c)(1): authenticated, dated and timed by its author).
/// </summary>
/// <param name="AppendsToId">The signed document this one appends to (an addendum); that document is never changed.</param>
public sealed record WrittenDocument(
    Guid PatientId,
    Guid EncounterId,
    Guid AuthorPractitionerId,
    string TypeCode,
    string TypeDisplay,
    string Text,
    Guid? AppendsToId);

/// <summary>An amendment to append to the record (45 CFR 164.526(c)(1)): the item it amends, its author, its text.</summary>
public sealed record AmendmentDocument(Guid PatientId, string ItemType, Guid ItemId, Guid AuthorPractitionerId, string Text);

public sealed partial class ClinicalRecordWriter
{
    /// <summary>
    /// Marks a note authenticated by <paramref name="practitionerId"/> (signed in HimPortal), in the caller's transaction:
    /// docStatus final and the authenticator, on the row and in its JSON; the record's version is bumped and the stay
    /// queued for analysis. The caller writes the <c>Signature</c> row afterwards: from then on PostgreSQL refuses any
    /// change to the note (clinical.keep_signed_document, 42 CFR 482.24(c)(1)).
    /// </summary>
    public static async Task AuthenticateNoteAsync(HimDbContext db, Guid noteId, Guid practitionerId, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await db.Set<ClinicalNote>().SingleAsync(n => n.Id == noteId, ct);
        var practitioner = await db.Set<Practitioner>().Where(p => p.Id == practitionerId).Select(p => p.FhirId).SingleOrDefaultAsync(ct)
            ?? throw new InvalidOperationException("The authenticator is not a practitioner of the record.");
        var json = JsonNode.Parse(row.Resource)!.AsObject();
        json["docStatus"] = "final";
        json["authenticator"] = new JsonObject { ["reference"] = $"urn:uuid:{practitioner}" };
        var text = json.ToJsonString();
        row.Resource = text;
        row.SourceHash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        row.DocStatus = "final";
        row.AuthenticatorId = practitionerId;
        await db.SaveChangesAsync(ct);
        await BumpAsync(db, [row.PatientId], ct);
        await StaysToAnalyse.QueueAsync(db, [noteId], "document signed", now, ct);
    }

    /// <summary>
    /// Files a document written in HimPortal as a new DocumentReference of the patient's stay (text/plain, docStatus final,
    /// author and authenticator the physician, context.encounter the stay; an addendum relates to its original with
    /// <c>appends</c>), in the caller's transaction; bumps the record's version and queues the stay. Returns its key.
    /// </summary>
    public static async Task<Guid> WriteDocumentAsync(HimDbContext db, WrittenDocument document, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(document);
        if (!await db.Set<Encounter>().AnyAsync(e => e.Id == document.EncounterId && e.PatientId == document.PatientId, ct))
        {
            throw new InvalidOperationException("The encounter is not the patient's: a document is never filed across two records.");
        }

        return await FileDocumentAsync(db, document, related: null, now, ct);
    }

    /// <summary>
    /// Appends an amendment the item's author accepted (45 CFR 164.526(c)(1): identify the records affected and append or
    /// link the amendment) as a new DocumentReference of the item's patient, in the caller's transaction: type LOINC
    /// 55107-7 (addendum document), signed by the author, in the item's encounter when it has one, naming the item in
    /// <c>context.related</c>; for a document also <c>relatesTo appends</c> to it. The item itself is never changed.
    /// </summary>
    public static async Task<Guid> AppendAmendmentAsync(HimDbContext db, AmendmentDocument amendment, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(amendment);
        var id = amendment.ItemId;
        var patient = amendment.PatientId;
        var item = amendment.ItemType switch
        {
            "Encounter" => await db.Set<Encounter>().Where(e => e.Id == id && e.PatientId == patient).Select(e => new { e.FhirId, EncounterId = (Guid?)e.Id }).SingleOrDefaultAsync(ct),
            "Condition" => await db.Set<Condition>().Where(e => e.Id == id && e.PatientId == patient).Select(e => new { e.FhirId, e.EncounterId }).SingleOrDefaultAsync(ct),
            "Observation" => await db.Set<Observation>().Where(e => e.Id == id && e.PatientId == patient).Select(e => new { e.FhirId, e.EncounterId }).SingleOrDefaultAsync(ct),
            "DiagnosticReport" => await db.Set<DiagnosticReport>().Where(e => e.Id == id && e.PatientId == patient).Select(e => new { e.FhirId, e.EncounterId }).SingleOrDefaultAsync(ct),
            "DocumentReference" => await db.Set<ClinicalNote>().Where(e => e.Id == id && e.PatientId == patient).Select(e => new { e.FhirId, e.EncounterId }).SingleOrDefaultAsync(ct),
            "Procedure" => await db.Set<Procedure>().Where(e => e.Id == id && e.PatientId == patient).Select(e => new { e.FhirId, e.EncounterId }).SingleOrDefaultAsync(ct),
            "MedicationRequest" => await db.Set<MedicationRequest>().Where(e => e.Id == id && e.PatientId == patient).Select(e => new { e.FhirId, e.EncounterId }).SingleOrDefaultAsync(ct),
            _ => null,
        } ?? throw new InvalidOperationException("An amendment is appended to an item of the same patient's record.");
        var document = new WrittenDocument(patient, item.EncounterId ?? Guid.Empty, amendment.AuthorPractitionerId, AmendmentTypeCode, AmendmentTypeDisplay,
            amendment.Text, amendment.ItemType == "DocumentReference" ? id : null);
        return await FileDocumentAsync(db, document, $"{amendment.ItemType}/{item.FhirId}", now, ct, hasEncounter: item.EncounterId is not null);
    }

    /// <summary>LOINC 55107-7, "Addendum Document": what an accepted amendment is filed as.</summary>
    public const string AmendmentTypeCode = "55107-7";

    public const string AmendmentTypeDisplay = "Amendment at the patient's request";

    private static async Task<Guid> FileDocumentAsync(HimDbContext db, WrittenDocument document, string? related, DateTimeOffset now, CancellationToken ct,
        bool hasEncounter = true)
    {
        var patient = await db.Set<Patient>().Where(p => p.Id == document.PatientId).Select(p => p.FhirId).SingleOrDefaultAsync(ct)
            ?? throw new InvalidOperationException("A document is written to a patient of the record.");
        var encounter = hasEncounter
            ? await db.Set<Encounter>().Where(e => e.Id == document.EncounterId).Select(e => e.FhirId).SingleAsync(ct)
            : null;
        var author = await db.Set<Practitioner>().Where(p => p.Id == document.AuthorPractitionerId).Select(p => p.FhirId).SingleOrDefaultAsync(ct)
            ?? throw new InvalidOperationException("The author is not a practitioner of the record.");
        string? original = null;
        if (document.AppendsToId is { } appendsTo)
        {
            original = await db.Set<ClinicalNote>().Where(n => n.Id == appendsTo && n.PatientId == document.PatientId).Select(n => n.FhirId).SingleOrDefaultAsync(ct)
                ?? throw new InvalidOperationException("An addendum appends to a document of the same patient.");
        }

        var fhirId = Guid.CreateVersion7(now).ToString("D");
        var key = ClinicalKeys.For("DocumentReference", fhirId);
        var json = new JsonObject
        {
            ["resourceType"] = "DocumentReference",
            ["id"] = fhirId,
            ["status"] = "current",
            ["docStatus"] = "final",
            ["type"] = new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = document.TypeCode, ["display"] = document.TypeDisplay }),
                ["text"] = document.TypeDisplay,
            },
            ["category"] = new JsonArray(new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject
                {
                    ["system"] = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                    ["code"] = "clinical-note",
                }),
            }),
            ["subject"] = new JsonObject { ["reference"] = $"urn:uuid:{patient}" },
            ["date"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["author"] = new JsonArray(new JsonObject { ["reference"] = $"urn:uuid:{author}" }),
            ["authenticator"] = new JsonObject { ["reference"] = $"urn:uuid:{author}" },
            ["content"] = new JsonArray(new JsonObject
            {
                ["attachment"] = new JsonObject
                {
                    ["contentType"] = "text/plain; charset=utf-8",
                    ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(document.Text)),
                    ["title"] = document.TypeDisplay,
                },
            }),
        };
        var context = new JsonObject();
        if (encounter is not null)
        {
            context["encounter"] = new JsonArray(new JsonObject { ["reference"] = $"urn:uuid:{encounter}" });
        }

        if (related is not null)
        {
            context["related"] = new JsonArray(new JsonObject { ["reference"] = related });
        }

        if (context.Count > 0)
        {
            json["context"] = context;
        }

        if (original is not null)
        {
            // The FHIR packet names a resource whose id is a uuid by urn:uuid, any other by Type/id (Roi FhirPacket).
            json["relatesTo"] = new JsonArray(new JsonObject
            {
                ["code"] = "appends",
                ["target"] = new JsonObject { ["reference"] = Guid.TryParse(original, out _) ? $"urn:uuid:{original}" : $"DocumentReference/{original}" },
            });
        }

        var text = json.ToJsonString();
        db.Set<ClinicalNote>().Add(new ClinicalNote
        {
            Id = key,
            FhirId = fhirId,
            Resource = text,
            SourceHash = SHA256.HashData(Encoding.UTF8.GetBytes(text)),
            ImportedAt = now,
            PatientId = document.PatientId,
            EncounterId = encounter is null ? null : document.EncounterId,
            Status = "current",
            TypeCode = document.TypeCode,
            TypeDisplay = document.TypeDisplay,
            Date = now,
            AuthorId = document.AuthorPractitionerId,
            ContentType = "text/plain",
            Text = document.Text,
            DocStatus = "final",
            AuthenticatorId = document.AuthorPractitionerId,
        });
        await db.SaveChangesAsync(ct);
        await BumpAsync(db, [document.PatientId], ct);
        await StaysToAnalyse.QueueAsync(db, [key], "document written", now, ct);
        return key;
    }
}
