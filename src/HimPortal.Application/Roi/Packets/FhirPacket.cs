using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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

        void Entry(ClinicalResource resource, string type, string title)
        {
            if (!written.Add(resource.Id))
            {
                return;
            }

            var raw = resource.Resource;
            json.WriteStartObject();
            json.WriteString("fullUrl", Guid.TryParse(resource.FhirId, out _) ? $"urn:uuid:{resource.FhirId}" : $"{type}/{resource.FhirId}");
            json.WritePropertyName("resource");
            json.WriteRawValue(raw);
            json.WriteEndObject();
            manifest.Add(new ManifestItem(manifest.Count + 1, type, resource.Id.ToString("D"), title, null, 0, 0, 0,
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)))));
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

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ct);
        return manifest;
    }
}
