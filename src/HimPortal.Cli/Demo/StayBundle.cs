using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace HimPortal.Cli.Demo;

/// <summary>
/// A FHIR R4 transaction bundle of one synthetic hospital stay (US Core shapes): the patient's Patient resource (the
/// import needs it in every bundle of patient data), the encounter with its participants by role, and the stay's
/// procedures (with their performers), clinical notes (signed or not) and orders (verbal or telephone by the v3
/// ParticipationMode the source sends). Practitioners and organizations are referred to by identifier, as Synthea's
/// bundles do, so they resolve to the master data. Used by the chart-completion demo generator and by the tests; every
/// resource it writes is tagged SYNTHETIC.
/// </summary>
public sealed class StayBundle
{
    public const string NpiSystem = "http://hl7.org/fhir/sid/us-npi";
    public const string ParticipationModeSystem = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode";
    private const string SyntheticTagSystem = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    private readonly JsonArray _entries = [];
    private readonly JsonObject _encounter;
    private readonly string _patientFhirId;
    private int _next;

    /// <param name="patient">The patient's Patient resource (the stored one, or <see cref="NewPatient"/>).</param>
    /// <param name="encounterFhirId">The encounter's FHIR id (a uuid keeps re-runs idempotent when it is derived from a seed).</param>
    /// <param name="encounterClass">v3 ActCode: IMP, OBSENC, EMER, SS, AMB.</param>
    /// <param name="organizationReference">The service provider (facility), e.g. "Organization?identifier=https://github.com/synthetichealth/synthea|…"; null for none.</param>
    public StayBundle(JsonObject patient, string encounterFhirId, string encounterClass, DateTimeOffset admitted, DateTimeOffset? discharged, string? organizationReference = null)
    {
        ArgumentNullException.ThrowIfNull(patient);
        _patientFhirId = patient["id"]?.GetValue<string>() ?? throw new ArgumentException("The Patient resource has no id.", nameof(patient));
        EncounterFhirId = encounterFhirId;
        Add(patient);
        _encounter = new JsonObject
        {
            ["resourceType"] = "Encounter",
            ["id"] = encounterFhirId,
            ["meta"] = Synthetic(),
            ["status"] = discharged is null ? "in-progress" : "finished",
            ["class"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = encounterClass },
            ["type"] = new JsonArray(Concept("http://snomed.info/sct", encounterClass == "EMER" ? "50849002" : "32485007",
                encounterClass == "EMER" ? "Emergency room admission" : "Hospital admission")),
            ["subject"] = PatientReference,
            ["participant"] = new JsonArray(),
            ["period"] = Period(admitted, discharged),
        };
        if (discharged is not null)
        {
            _encounter["hospitalization"] = new JsonObject
            {
                ["dischargeDisposition"] = Concept("http://terminology.hl7.org/CodeSystem/discharge-disposition", "home", "Home"),
            };
        }

        if (organizationReference is not null)
        {
            _encounter["serviceProvider"] = new JsonObject { ["reference"] = organizationReference };
        }

        Add(_encounter);
    }

    public string EncounterFhirId { get; }

    private JsonObject PatientReference => new() { ["reference"] = $"urn:uuid:{_patientFhirId}" };

    private JsonObject EncounterReference => new() { ["reference"] = $"urn:uuid:{EncounterFhirId}" };

    /// <summary>A new synthetic patient (US Core Patient: MRN, name, gender, birth date).</summary>
    public static JsonObject NewPatient(string fhirId, string mrn, string given, string family, DateOnly birthDate, string gender = "female") => new()
    {
        ["resourceType"] = "Patient",
        ["id"] = fhirId,
        ["meta"] = Synthetic(),
        ["identifier"] = new JsonArray(new JsonObject
        {
            ["type"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v2-0203", ["code"] = "MR" }) },
            ["system"] = "http://hospital.smarthealthit.org",
            ["value"] = mrn,
        }),
        ["name"] = new JsonArray(new JsonObject { ["use"] = "official", ["family"] = family, ["given"] = new JsonArray(given) }),
        ["gender"] = gender,
        ["birthDate"] = birthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    /// <summary>A practitioner by NPI, as Synthea refers to them.</summary>
    public static string Practitioner(string npi) => $"Practitioner?identifier={NpiSystem}|{npi}";

    /// <summary>Adds a participant of the encounter by role: ADM admitter, ATND attender, DIS discharger, PPRF primary performer, CON consultant.</summary>
    public StayBundle Participant(string practitionerReference, string typeCode)
    {
        ((JsonArray)_encounter["participant"]!).Add(new JsonObject
        {
            ["type"] = new JsonArray(Concept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", typeCode, typeCode)),
            ["individual"] = new JsonObject { ["reference"] = practitionerReference },
        });
        return this;
    }

    /// <summary>Adds a completed procedure (SNOMED CT); the primary performer carries function PPRF. Returns its FHIR id.</summary>
    public string Procedure(string snomedCode, string display, DateTimeOffset start, DateTimeOffset end, string? primaryPerformer, params string[] otherPerformers)
    {
        ArgumentNullException.ThrowIfNull(otherPerformers);
        var performers = new JsonArray();
        if (primaryPerformer is not null)
        {
            performers.Add(new JsonObject
            {
                ["function"] = Concept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PPRF", "primary performer"),
                ["actor"] = new JsonObject { ["reference"] = primaryPerformer },
            });
        }

        foreach (var other in otherPerformers)
        {
            performers.Add(new JsonObject { ["actor"] = new JsonObject { ["reference"] = other } });
        }

        var id = NextId("procedure");
        Add(new JsonObject
        {
            ["resourceType"] = "Procedure",
            ["id"] = id,
            ["meta"] = Synthetic(),
            ["status"] = "completed",
            ["code"] = new JsonObject { ["coding"] = new JsonArray(Coding("http://snomed.info/sct", snomedCode, display)), ["text"] = display },
            ["subject"] = PatientReference,
            ["encounter"] = EncounterReference,
            ["performedPeriod"] = Period(start, end),
            ["performer"] = performers,
        });
        return id;
    }

    /// <summary>
    /// Adds a clinical note (US Core DocumentReference, LOINC type, text/plain content). Authenticated: docStatus final and the
    /// author as authenticator; not: docStatus preliminary and no authenticator. Returns its FHIR id.
    /// </summary>
    public string Document(string loincCode, string display, DateTimeOffset date, string authorReference, bool authenticated, string text, string? fhirId = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var id = fhirId ?? NextId("document");
        var document = new JsonObject
        {
            ["resourceType"] = "DocumentReference",
            ["id"] = id,
            ["meta"] = Synthetic(),
            ["status"] = "current",
            ["docStatus"] = authenticated ? "final" : "preliminary",
            ["type"] = new JsonObject { ["coding"] = new JsonArray(Coding("http://loinc.org", loincCode, display)), ["text"] = display },
            ["category"] = new JsonArray(Concept("http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category", "clinical-note", "Clinical Note")),
            ["subject"] = PatientReference,
            ["date"] = Instant(date),
            ["author"] = new JsonArray(new JsonObject { ["reference"] = authorReference }),
            ["content"] = new JsonArray(new JsonObject
            {
                ["attachment"] = new JsonObject
                {
                    ["contentType"] = "text/plain",
                    ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(text)),
                },
            }),
            ["context"] = new JsonObject
            {
                ["encounter"] = new JsonArray(EncounterReference),
                ["period"] = new JsonObject { ["start"] = Instant(date) },
            },
        };
        if (authenticated)
        {
            document["authenticator"] = new JsonObject { ["reference"] = authorReference };
        }

        Add(document);
        return id;
    }

    /// <summary>Adds a medication order (RxNorm) by its requester; <paramref name="mode"/> "VERBAL" or "PHONE" (v3 ParticipationMode) marks a spoken order. Returns its FHIR id.</summary>
    public string Order(string rxNormCode, string display, DateTimeOffset authoredOn, string requesterReference, string? mode)
    {
        var id = NextId("order");
        var order = new JsonObject
        {
            ["resourceType"] = "MedicationRequest",
            ["id"] = id,
            ["meta"] = Synthetic(),
            ["status"] = "active",
            ["intent"] = "order",
            ["medicationCodeableConcept"] = new JsonObject
            {
                ["coding"] = new JsonArray(Coding("http://www.nlm.nih.gov/research/umls/rxnorm", rxNormCode, display)),
                ["text"] = display,
            },
            ["subject"] = PatientReference,
            ["encounter"] = EncounterReference,
            ["authoredOn"] = Instant(authoredOn),
            ["requester"] = new JsonObject { ["reference"] = requesterReference },
        };
        if (mode is not null)
        {
            order["category"] = new JsonArray(Concept(ParticipationModeSystem, mode, mode == "PHONE" ? "telephone" : "verbal"));
        }

        Add(order);
        return id;
    }

    /// <summary>The transaction bundle's JSON.</summary>
    public string ToJson() => new JsonObject
    {
        ["resourceType"] = "Bundle",
        ["type"] = "transaction",
        ["meta"] = Synthetic(),
        ["entry"] = _entries.DeepClone(),
    }.ToJsonString();

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(ToJson());

    private void Add(JsonObject resource)
    {
        var type = resource["resourceType"]!.GetValue<string>();
        var id = resource["id"]!.GetValue<string>();
        _entries.Add(new JsonObject
        {
            ["fullUrl"] = $"urn:uuid:{id}",
            ["resource"] = resource,
            ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = $"{type}/{id}" },
        });
    }

    /// <summary>Ids derived from the encounter's, so the same stay built twice is the same bundle (imports are idempotent).</summary>
    private string NextId(string kind) => DerivedId($"{EncounterFhirId}/{kind}/{_next++}");

    /// <summary>A uuid made from a text (SHA-256's first 16 bytes, version 8 bits set): the same text, the same id.</summary>
    public static string DerivedId(string seed)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D");
    }

    private static JsonObject Synthetic() => new()
    {
        ["tag"] = new JsonArray(new JsonObject { ["system"] = SyntheticTagSystem, ["code"] = "HTEST", ["display"] = "SYNTHETIC test data" }),
    };

    private static JsonObject Period(DateTimeOffset start, DateTimeOffset? end)
    {
        var period = new JsonObject { ["start"] = Instant(start) };
        if (end is { } e)
        {
            period["end"] = Instant(e);
        }

        return period;
    }

    private static string Instant(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Coding(string system, string code, string display) => new() { ["system"] = system, ["code"] = code, ["display"] = display };

    private static JsonObject Concept(string system, string code, string display) =>
        new() { ["coding"] = new JsonArray(Coding(system, code, display)), ["text"] = display };
}
