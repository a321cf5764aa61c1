using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HimPortal.Application.Clinical;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets;

/// <summary>
/// The release as a FHIR R4 Bundle (type collection; the scope of <c>Patient/$everything</c> narrowed to the release):
/// the Patient, then every chosen item's resource as stored (each clinical row keeps its resource JSON), and for an
/// encounter the resources recorded in it, less the entries the release does not cover. Written to the stream as it is
/// read. Each resource is an item of the manifest with the SHA-256 of its JSON as written.
/// </summary>
public static class FhirPacket
{
    public static async Task<IReadOnlyList<ManifestItem>> WriteAsync(HimDbContext db, Guid patientId, IReadOnlyList<ChosenItem> items,
        Func<string, Guid, bool> withheld, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(withheld);
        var manifest = new List<ManifestItem>();
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = false });
        json.WriteStartObject();
        json.WriteString("resourceType", "Bundle");
        json.WriteString("id", Guid.NewGuid().ToString("D"));
        json.WriteString("type", "collection");
        json.WriteString("timestamp", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteStartArray("entry");
        var written = new HashSet<Guid>();
        // Every entry written, by type and key as a request to amend names it, with its fullUrl: what an amendment record links to.
        var urls = new Dictionary<(string Type, Guid Id), string>();

        void Raw(string fullUrl, string raw, string type, Guid id, string title)
        {
            json.WriteStartObject();
            json.WriteString("fullUrl", fullUrl);
            json.WritePropertyName("resource");
            json.WriteRawValue(raw);
            json.WriteEndObject();
            manifest.Add(new ManifestItem(manifest.Count + 1, type, id.ToString("D"), title, null, 0, 0, 0,
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)))));
        }

        void Entry(ClinicalResource resource, string type, string title)
        {
            if (!written.Add(resource.Id))
            {
                return;
            }

            var fullUrl = Guid.TryParse(resource.FhirId, out _) ? $"urn:uuid:{resource.FhirId}" : $"{type}/{resource.FhirId}";
            urls[(type, resource.Id)] = fullUrl;
            Raw(fullUrl, resource.Resource, type, resource.Id, title);
        }

        var patient = await db.Set<Patient>().AsNoTracking().SingleAsync(p => p.Id == patientId, ct);
        Entry(patient, "Patient", "Patient");
        foreach (var item in items)
        {
            var id = Guid.Parse(item.ResourceKey);
            switch (item.ResourceType)
            {
                case PacketItemTypes.Encounter:
                    Entry(await db.Set<Encounter>().AsNoTracking().SingleAsync(e => e.Id == id, ct), "Encounter", item.Title);
                    foreach (var c in await db.Set<Condition>().AsNoTracking().Where(x => x.EncounterId == id).WhereInForce(db).ToListAsync(ct))
                    {
                        if (!withheld("Condition", c.Id)) Entry(c, "Condition", "Condition");
                    }

                    foreach (var o in await db.Set<Observation>().AsNoTracking().Where(x => x.EncounterId == id).WhereInForce(db).ToListAsync(ct))
                    {
                        if (!withheld("Observation", o.Id)) Entry(o, "Observation", "Observation");
                    }

                    foreach (var p in await db.Set<Procedure>().AsNoTracking().Where(x => x.EncounterId == id).WhereInForce(db).ToListAsync(ct))
                    {
                        if (!withheld("Procedure", p.Id)) Entry(p, "Procedure", "Procedure");
                    }

                    foreach (var m in await db.Set<MedicationRequest>().AsNoTracking().Where(x => x.EncounterId == id).WhereInForce(db).ToListAsync(ct))
                    {
                        if (!withheld("MedicationRequest", m.Id)) Entry(m, "MedicationRequest", "MedicationRequest");
                    }

                    foreach (var i in await db.Set<Immunization>().AsNoTracking().Where(x => x.EncounterId == id).WhereInForce(db).ToListAsync(ct))
                    {
                        Entry(i, "Immunization", "Immunization");
                    }

                    break;
                case PacketItemTypes.Note:
                    Entry(await db.Set<ClinicalNote>().AsNoTracking().SingleAsync(n => n.Id == id, ct), "DocumentReference", item.Title);
                    break;
                case PacketItemTypes.Report:
                    Entry(await db.Set<DiagnosticReport>().AsNoTracking().SingleAsync(r => r.Id == id, ct), "DiagnosticReport", item.Title);
                    break;
                default:
                    // A scanned document's images are not part of the FHIR copy; its DocumentReference is, when filed.
                    var noteId = await db.Set<Data.Documents.ScannedDocument>().Where(d => d.Id == id).Select(d => d.ClinicalNoteId).SingleOrDefaultAsync(ct);
                    if (noteId is { } n)
                    {
                        Entry(await db.Set<ClinicalNote>().AsNoTracking().SingleAsync(x => x.Id == n, ct), "DocumentReference", item.Title);
                    }

                    break;
            }

            await json.FlushAsync(ct);
        }

        // What goes with the released items of the requests to amend them (45 CFR 164.526(c)(1), (d)(4)-(5)): see AmendmentEntry.
        foreach (var a in await PacketAmendments.ForAsync(db, urls.Keys, ct))
        {
            if (!PacketAmendments.Disputed(a))
            {
                if (a.AmendmentDocumentId is { } document)
                {
                    Entry(await db.Set<ClinicalNote>().AsNoTracking().SingleAsync(n => n.Id == document, ct), "DocumentReference", $"Amendment {a.Display}");
                }

                continue;
            }

            var raw = AmendmentRecord(a, urls[("Patient", patient.Id)], urls[(a.ResourceType, a.ResourceId)]);
            written.Add(a.Id);
            Raw($"urn:uuid:{a.Id:D}", raw, "DocumentReference", a.Id, PacketAmendments.Title(a));
            await json.FlushAsync(ct);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ct);
        return manifest;
    }

    /// <summary>
    /// A disputed item's amendment record as a FHIR R4 DocumentReference (ADR 0044): LOINC 55107-7 "Addendum Document"
    /// (164.526(d)(4) has the hospital append or link it to the item), the request, the denial, the statement of
    /// disagreement and any rebuttal as its plain-text attachment, linked to the item by <c>context.related</c> (a
    /// reference to any resource), and for a document item also by <c>relatesTo</c> "appends".
    /// </summary>
    private static string AmendmentRecord(Data.Portal.AmendmentRequest a, string patientUrl, string itemUrl)
    {
        var title = PacketAmendments.Title(a);
        var text = string.Join("\n", PacketAmendments.Lines(a));
        var resource = new JsonObject
        {
            ["resourceType"] = "DocumentReference",
            ["id"] = a.Id.ToString("D"),
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:himportal:amendment", ["value"] = a.Display }),
            ["status"] = "current",
            ["docStatus"] = "final",
            ["type"] = new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = ClinicalRecordWriter.AmendmentTypeCode, ["display"] = "Addendum Document" }),
                ["text"] = "Request to amend, denial and statement of disagreement (45 CFR 164.526(d))",
            },
            ["category"] = new JsonArray(new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject
                {
                    ["system"] = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                    ["code"] = "clinical-note",
                }),
            }),
            ["subject"] = new JsonObject { ["reference"] = patientUrl },
            ["date"] = (a.DisagreementAt ?? a.IncludeWithDisclosuresAt ?? a.DecidedAt ?? a.ReceivedAt).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["description"] = title,
            ["content"] = new JsonArray(new JsonObject
            {
                ["attachment"] = new JsonObject
                {
                    ["contentType"] = "text/plain; charset=utf-8",
                    ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(text)),
                    ["title"] = title,
                },
            }),
            ["context"] = new JsonObject { ["related"] = new JsonArray(new JsonObject { ["reference"] = itemUrl }) },
        };
        if (a.ResourceType == "DocumentReference")
        {
            resource["relatesTo"] = new JsonArray(new JsonObject { ["code"] = "appends", ["target"] = new JsonObject { ["reference"] = itemUrl } });
        }

        return resource.ToJsonString();
    }
}
