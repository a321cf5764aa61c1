using System.Text.Json;
using HimPortal.Application.Clinical.Records;
using HimPortal.Application.Clinical.Values;
using HimPortal.Application.Patients;
using HimPortal.Data.Clinical;

namespace HimPortal.Application.Intake.ImportBundles;

/// <summary>
/// Maps one FHIR resource onto the record's tables. What US Core makes mandatory and the record needs (a subject, a
/// code, a status) is required; a resource without it rejects the bundle, naming the entry.
/// </summary>
internal sealed class RecordMapper(
    RecordSet set, ReferenceResolver refs, IReadOnlyDictionary<string, BundleEntry> fullUrls, DateTimeOffset now)
{
    /// <summary>The resource types the record holds; anything else is counted as skipped.</summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal)
    {
        "Patient", "Practitioner", "PractitionerRole", "Organization", "Location", "Encounter", "Condition", "Observation",
        "DiagnosticReport", "DocumentReference", "MedicationRequest", "Medication", "MedicationAdministration",
        "AllergyIntolerance", "Immunization", "Procedure", "ImagingStudy", "CareTeam", "CarePlan",
    };

    private readonly Dictionary<Guid, (string? Sex, DateOnly? BirthDate)> _patients = [];

    public void Map(BundleEntry entry, JsonElement r, ReadOnlyMemory<byte> json, byte[] hash)
    {
        var (type, id, key) = (entry.Type, entry.Id, entry.Key);
        switch (type)
        {
            case "Patient": MapPatient(key, id, r, json, hash); break;
            case "Practitioner":
            {
                var npi = r.Arr("identifier").FirstOrDefault(i => i.Str("system") == MasterDataIndex.NpiSystem).Str("value", TextKind.Code);
                set.Practitioners.Add(Stamp(new Practitioner
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    Npi = npi,
                    FamilyName = r.First("name")?.Str("family", TextKind.Name),
                    GivenNames = r.First("name") is { } n ? Given(n) : null,
                    Sex = r.CodeValue("gender"),
                }, key));
                if (npi is not null)
                {
                    set.MasterData.Add(("Practitioner", MasterDataIndex.NpiSystem, npi, key));
                }

                break;
            }

            case "Organization":
                IndexFirstIdentifier("Organization", r, key);
                set.Organizations.Add(Stamp(new Organization
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    IdentifierSystem = r.First("identifier")?.Str("system"),
                    IdentifierValue = r.First("identifier")?.Str("value", TextKind.Code),
                    Name = r.Str("name") ?? throw new BundleProblemException("it has no name, which the record requires"),
                    TypeCode = r.Code("type"),
                    City = r.First("address")?.Str("city"),
                    State = r.First("address")?.Str("state"),
                    Phone = r.Arr("telecom").FirstOrDefault(t => t.Str("system") == "phone").Str("value"),
                }, key));
                break;
            case "Location":
                IndexFirstIdentifier("Location", r, key);
                set.Locations.Add(Stamp(new Location
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    IdentifierSystem = r.First("identifier")?.Str("system"),
                    IdentifierValue = r.First("identifier")?.Str("value", TextKind.Code),
                    Name = r.Str("name") ?? throw new BundleProblemException("it has no name, which the record requires"),
                    OrganizationId = refs.Optional(r, "managingOrganization", "Organization"),
                    City = r.Obj("address")?.Str("city"),
                    State = r.Obj("address")?.Str("state"),
                }, key));
                break;
            case "PractitionerRole":
                set.PractitionerRoles.Add(Stamp(new PractitionerRole
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    PractitionerId = refs.Optional(r, "practitioner", "Practitioner"),
                    OrganizationId = refs.Optional(r, "organization", "Organization"),
                    LocationId = r.First("location") is { } l ? refs.Resolve(l, "Location", "location") : null,
                    RoleCode = r.Code("code"),
                    SpecialtyCode = r.Concept("specialty")?.Code,
                    SpecialtyDisplay = r.Concept("specialty")?.Display,
                }, key));
                break;
            case "Encounter": MapEncounter(key, id, r, json, hash); break;
            case "Condition":
            {
                var code = Require(r.Concept("code"), "code");
                set.Conditions.Add(Scoped(new Condition
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    CodeSystem = code.System, Code = code.Code, Display = code.Display,
                    ClinicalStatus = r.Code("clinicalStatus"),
                    VerificationStatus = r.Code("verificationStatus"),
                    Category = r.Code("category"),
                    OnsetAt = r.Time("onsetDateTime") ?? r.Period("onsetPeriod").Start,
                    AbatementAt = r.Time("abatementDateTime") ?? r.Period("abatementPeriod").Start,
                    RecordedAt = r.Time("recordedDate"),
                }, key, r, "subject"));
                break;
            }

            case "Observation": MapObservation(key, id, r, json, hash); break;
            case "DiagnosticReport":
            {
                var code = Require(r.Concept("code"), "code");
                var report = Scoped(new DiagnosticReport
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    Status = RequireText(r.CodeValue("status"), "status"),
                    Category = r.Code("category"),
                    Code = code.Code, Display = code.Display,
                    EffectiveAt = r.Time("effectiveDateTime") ?? r.Period("effectivePeriod").Start,
                    IssuedAt = r.Time("issued"),
                    Text = Fhir.AttachmentText(r.First("presentedForm")),
                }, key, r, "subject");
                set.DiagnosticReports.Add(report);
                short ordinal = 0;
                foreach (var result in r.Arr("result"))
                {
                    set.DiagnosticReportResults.Add(new DiagnosticReportResult
                    {
                        ParentId = key, Ordinal = ordinal++,
                        ObservationId = refs.Resolve(result, "Observation", "result") ?? throw new BundleProblemException("a result has no reference"),
                    });
                }

                break;
            }

            case "DocumentReference":
            {
                var content = r.First("content")?.Obj("attachment");
                set.ClinicalNotes.Add(Scoped(new ClinicalNote
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    Status = RequireText(r.CodeValue("status"), "status"),
                    TypeCode = r.Concept("type")?.Code,
                    TypeDisplay = r.Concept("type")?.Display,
                    Date = r.Time("date"),
                    AuthorId = r.First("author") is { } a ? refs.Resolve(a, "Practitioner", "author") : null,
                    CustodianId = refs.Optional(r, "custodian", "Organization"),
                    ContentType = content?.Str("contentType"),
                    Text = Fhir.AttachmentText(content),
                    DocStatus = r.CodeValue("docStatus"),
                    AuthenticatorId = r.Obj("authenticator") is { } signer && IsType(signer, "Practitioner") ? refs.Resolve(signer, "Practitioner", "authenticator") : null,
                }, key, r, "subject", r.Obj("context")?.First("encounter")));
                break;
            }

            case "Medication":
                set.Medications.Add(Stamp(new Medication
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    Code = r.Concept("code")?.Code, Display = r.Concept("code")?.Display, Status = r.CodeValue("status"),
                }, key));
                break;
            case "MedicationRequest":
            {
                var medication = r.Concept("medicationCodeableConcept");
                set.MedicationRequests.Add(Scoped(new MedicationRequest
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    Status = RequireText(r.CodeValue("status"), "status"),
                    Intent = r.Str("intent"),
                    MedicationCode = medication?.Code, MedicationDisplay = medication?.Display,
                    MedicationId = refs.Optional(r, "medicationReference", "Medication"),
                    AuthoredOn = r.Time("authoredOn"),
                    RequesterId = r.Obj("requester") is { } q && IsType(q, "Practitioner") ? refs.Resolve(q, "Practitioner", "requester") : null,
                    DosageText = r.First("dosageInstruction")?.Str("text"),
                    ReasonCode = r.Code("reasonCode"),
                    ModeCodes = OrderModeCodes(r),
                }, key, r, "subject"));
                break;
            }

            case "MedicationAdministration":
            {
                var medication = r.Concept("medicationCodeableConcept");
                set.MedicationAdministrations.Add(Scoped(new MedicationAdministration
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    Status = RequireText(r.CodeValue("status"), "status"),
                    MedicationCode = medication?.Code, MedicationDisplay = medication?.Display,
                    MedicationId = refs.Optional(r, "medicationReference", "Medication"),
                    EffectiveAt = r.Time("effectiveDateTime") ?? r.Period("effectivePeriod").Start,
                }, key, r, "subject", r.Obj("context")));
                break;
            }

            case "AllergyIntolerance":
            {
                var code = Require(r.Concept("code"), "code");
                set.Allergies.Add(Scoped(new AllergyIntolerance
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    Code = code.Code, Display = code.Display,
                    Type = r.Str("type"),
                    Category = r.Strings("category", TextKind.Code).FirstOrDefault(),
                    Criticality = r.Str("criticality"),
                    ClinicalStatus = r.Code("clinicalStatus"),
                    VerificationStatus = r.Code("verificationStatus"),
                    RecordedAt = r.Time("recordedDate"),
                }, key, r, "patient"));
                break;
            }

            case "Immunization":
            {
                var vaccine = Require(r.Concept("vaccineCode"), "vaccineCode");
                set.Immunizations.Add(Scoped(new Immunization
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    Status = RequireText(r.CodeValue("status"), "status"),
                    VaccineCode = vaccine.Code, Display = vaccine.Display,
                    OccurredAt = r.Time("occurrenceDateTime"),
                }, key, r, "patient"));
                break;
            }

            case "Procedure":
            {
                var code = Require(r.Concept("code"), "code");
                var (start, end) = r.Period("performedPeriod");
                set.Procedures.Add(Scoped(new Procedure
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    Status = RequireText(r.CodeValue("status"), "status"),
                    Code = code.Code, Display = code.Display,
                    PerformedStart = start ?? r.Time("performedDateTime"), PerformedEnd = end,
                    ReasonCode = r.Code("reasonCode"),
                    PerformerId = PrimaryPerformer(r) is { } performer ? refs.Resolve(performer, "Practitioner", "performer") : null,
                }, key, r, "subject"));
                break;
            }

            case "ImagingStudy": MapImagingStudy(key, id, r, json, hash); break;
            case "CareTeam": MapCareTeam(key, id, r, json, hash); break;
            case "CarePlan":
            {
                var category = r.Arr("category").Select(c => (JsonElement?)c).LastOrDefault();
                var (start, end) = r.Period("period");
                set.CarePlans.Add(Scoped(new CarePlan
                {
                    FhirId = id, ResourceUtf8 = json, SourceHash = hash,
                    Status = RequireText(r.CodeValue("status"), "status"),
                    Intent = r.Str("intent"),
                    CategoryCode = category?.First("coding")?.Str("code"),
                    CategoryDisplay = category?.First("coding")?.Str("display"),
                    PeriodStart = start, PeriodEnd = end,
                    CareTeamId = r.First("careTeam") is { } t ? refs.Resolve(t, "CareTeam", "careTeam") : null,
                    Activities = string.Join('\n', r.Arr("activity").Select(a => a.Obj("detail")).OfType<JsonElement>()
                        .Select(d => $"{d.Concept("code")?.Display ?? d.Concept("code")?.Code}: {d.Str("status")}")),
                }, key, r, "subject"));
                break;
            }

            default:
                throw new InvalidOperationException($"{type} is not supported; check Supported first.");
        }
    }

    private void MapPatient(Guid key, string id, JsonElement r, ReadOnlyMemory<byte> json, byte[] hash)
    {
        var name = r.Arr("name").FirstOrDefault(n => n.CodeValue("use") == "official");
        if (name.ValueKind != JsonValueKind.Object)
        {
            name = r.First("name") ?? default;
        }

        var given = name.ValueKind == JsonValueKind.Undefined ? null : Given(name);
        var family = name.Str("family", TextKind.Name);
        var address = r.First("address");
        var identifiers = r.Arr("identifier").ToList();
        var mrn = identifiers.FirstOrDefault(i => i.Obj("type")?.First("coding")?.Str("code", TextKind.Code) == "MR").Str("value", TextKind.Code);
        var patient = Stamp(new Patient
        {
            FhirId = id, ResourceUtf8 = json, SourceHash = hash,
            Mrn = mrn,
            FamilyName = family,
            GivenNames = given,
            SearchName = PatientNames.Fold($"{given} {family}".Trim()),
            BirthDate = r.Date("birthDate"),
            Sex = r.CodeValue("gender"),
            Deceased = r.Str("deceasedDateTime") is not null || r.Bool("deceasedBoolean") == true,
            DeceasedAt = r.Time("deceasedDateTime"),
            AddressLine = address is { } a ? string.Join(", ", a.Strings("line")) : null,
            City = address?.Str("city"),
            State = address?.Str("state"),
            PostalCode = address?.Str("postalCode"),
            Phone = r.Arr("telecom").FirstOrDefault(t => t.Str("system") == "phone").Str("value"),
        }, key);
        set.Patients.Add(patient);
        set.PatientLabels[key] = (id, mrn);
        _patients[key] = (patient.Sex, patient.BirthDate);
        short ordinal = 0;
        foreach (var identifier in identifiers)
        {
            if (identifier.Str("value", TextKind.Code) is { } value)
            {
                set.PatientIdentifiers.Add(new PatientIdentifier
                {
                    ParentId = key, Ordinal = ordinal++, System = identifier.Str("system"), Value = value,
                    TypeCode = identifier.Obj("type")?.First("coding")?.Str("code", TextKind.Code),
                });
            }
        }
    }

    private void MapEncounter(Guid key, string id, JsonElement r, ReadOnlyMemory<byte> json, byte[] hash)
    {
        var patient = refs.Required(r, "subject", "Patient");
        var (start, end) = r.Period("period");
        var reason = r.Concept("reasonCode");
        set.Encounters.Add(Stamp(new Encounter
        {
            FhirId = id, ResourceUtf8 = json, SourceHash = hash,
            PatientId = patient,
            Status = RequireText(r.CodeValue("status"), "status"),
            Class = RequireText(r.Obj("class")?.CodeValue("code"), "class"),
            TypeCode = r.Concept("type")?.Code,
            TypeDisplay = r.Concept("type")?.Display,
            PeriodStart = start, PeriodEnd = end,
            LocationId = r.First("location")?.Obj("location") is { } l ? refs.Resolve(l, "Location", "location") : null,
            ServiceProviderId = refs.Optional(r, "serviceProvider", "Organization"),
            ReasonCode = reason?.Code, ReasonDisplay = reason?.Display,
            DischargeDisposition = r.Obj("hospitalization")?.Concept("dischargeDisposition")?.Display,
        }, key));
        short ordinal = 0;
        foreach (var participant in r.Arr("participant"))
        {
            if (participant.Obj("individual") is { } individual && IsType(individual, "Practitioner"))
            {
                var (from, to) = participant.Period("period");
                set.EncounterParticipants.Add(new EncounterParticipant
                {
                    ParentId = key, Ordinal = ordinal++, PatientId = patient,
                    PractitionerId = refs.Resolve(individual, "Practitioner", "participant")!.Value,
                    TypeCode = participant.Concept("type")?.Code,
                    PeriodStart = from, PeriodEnd = to,
                });
            }
        }
    }

    private void MapObservation(Guid key, string id, JsonElement r, ReadOnlyMemory<byte> json, byte[] hash)
    {
        var code = Require(r.Concept("code"), "code");
        var category = r.Code("category");
        var effective = r.Time("effectiveDateTime") ?? r.Period("effectivePeriod").Start ?? r.Time("effectiveInstant");
        var quantity = r.Obj("valueQuantity");
        var coded = r.Concept("valueCodeableConcept");
        var observation = Scoped(new Observation
        {
            FhirId = id, ResourceUtf8 = json, SourceHash = hash,
            Status = RequireText(r.CodeValue("status"), "status"),
            Category = category,
            CodeSystem = code.System, Code = code.Code, Display = code.Display,
            EffectiveAt = effective,
            ValueQuantity = quantity?.Decimal("value"),
            ValueUnit = Unit(quantity),
            ValueCode = coded?.Code, ValueDisplay = coded?.Display,
            ValueString = r.Str("valueString"),
        }, key, r, "subject");

        var patient = _patients.TryGetValue(observation.PatientId, out var p) ? new ResultSubject(p.Sex, p.BirthDate) : (ResultSubject?)null;
        var parts = new List<ObservationComponent>();
        short ordinal = 0;
        foreach (var component in r.Arr("component"))
        {
            var componentCode = Require(component.Concept("code"), "component code");
            var q = component.Obj("valueQuantity");
            var c = component.Concept("valueCodeableConcept");
            parts.Add(new ObservationComponent
            {
                ParentId = key, Ordinal = ordinal++,
                Code = componentCode.Code, Display = componentCode.Display,
                ValueQuantity = q?.Decimal("value"), ValueUnit = Unit(q),
                ValueCode = c?.Code, ValueDisplay = c?.Display,
                ValueString = component.Str("valueString"),
            });
        }

        // Synthea sends no reference ranges: flags come from the shipped tables (labs and vital signs), by sex and age
        // at the time of the result, decided where every reader decides them (ResultFlags; readers flag again when
        // they read, so a patient imported in another bundle is flagged when shown). A panel keeps its worst
        // component's flag. Set before the row is added: the record set takes the row as it is then.
        if (patient is { } who)
        {
            var own = ResultFlags.Interpret(code.Code, observation.ValueUnit, observation.ValueQuantity, who, effective);
            observation.ReferenceLow = own?.Range.Low;
            observation.ReferenceHigh = own?.Range.High;
            observation.Flag = own?.Flag
                ?? ResultFlags.Worst(parts.Select(part => ResultFlags.Interpret(part.Code, part.ValueUnit, part.ValueQuantity, who, effective)?.Flag));
        }

        set.Observations.Add(observation);
        foreach (var part in parts)
        {
            set.ObservationComponents.Add(part);
        }
    }

    /// <summary>
    /// A quantity's unit as its UCUM code when it has one (the tables and the display are keyed by UCUM: "mm[Hg]"), else
    /// its unit text. The text is for people and may be anything ("mmHg", "beats/minute").
    /// </summary>
    private static string? Unit(JsonElement? quantity) =>
        quantity is not { } q ? null
        : q.Str("system") == "http://unitsofmeasure.org" && q.Str("code") is { Length: > 0 } ucum ? ucum
        : q.Str("unit") ?? q.Str("code");

    private void MapImagingStudy(Guid key, string id, JsonElement r, ReadOnlyMemory<byte> json, byte[] hash)
    {
        var series = r.Arr("series").ToList();
        var first = series.Count > 0 ? series[0] : default;
        set.ImagingStudies.Add(Scoped(new ImagingStudy
        {
            FhirId = id, ResourceUtf8 = json, SourceHash = hash,
            Status = RequireText(r.CodeValue("status"), "status"),
            StudyUid = r.Arr("identifier").Select(i => i.Str("value", TextKind.Code)).FirstOrDefault(),
            StartedAt = r.Time("started"),
            Modality = first.ValueKind == JsonValueKind.Object ? first.Obj("modality")?.Str("code") : r.First("modality")?.Str("code"),
            BodySiteCode = first.ValueKind == JsonValueKind.Object ? first.Obj("bodySite")?.Str("code") : null,
            BodySiteDisplay = first.ValueKind == JsonValueKind.Object ? first.Obj("bodySite")?.Str("display") : null,
            ProcedureCode = r.Concept("procedureCode")?.Code,
            ProcedureDisplay = r.Concept("procedureCode")?.Display,
            SeriesCount = r.Integer("numberOfSeries") ?? series.Count,
            InstanceCount = r.Integer("numberOfInstances") ?? series.Sum(s => s.Arr("instance").Count()),
            SeriesUids = [.. series.Select(s => s.Str("uid", TextKind.Code)).OfType<string>()],
        }, key, r, "subject"));
    }

    private void MapCareTeam(Guid key, string id, JsonElement r, ReadOnlyMemory<byte> json, byte[] hash)
    {
        var (start, end) = r.Period("period");
        var team = Scoped(new CareTeam
        {
            FhirId = id, ResourceUtf8 = json, SourceHash = hash,
            Status = r.CodeValue("status"),
            Name = r.Str("name"),
            PeriodStart = start, PeriodEnd = end,
            ManagingOrganizationId = r.First("managingOrganization") is { } o ? refs.Resolve(o, "Organization", "managingOrganization") : null,
        }, key, r, "subject");
        set.CareTeams.Add(team);
        short ordinal = 0;
        foreach (var participant in r.Arr("participant"))
        {
            if (participant.Obj("member") is not { } member)
            {
                continue;
            }

            var role = participant.Concept("role");
            set.CareTeamMembers.Add(new CareTeamMember
            {
                ParentId = key, Ordinal = ordinal++, PatientId = team.PatientId,
                PractitionerId = IsType(member, "Practitioner") ? refs.Resolve(member, "Practitioner", "member") : null,
                OrganizationId = IsType(member, "Organization") ? refs.Resolve(member, "Organization", "member") : null,
                RoleCode = role?.Code, RoleDisplay = role?.Display,
            });
        }
    }

    /// <summary>Organizations and locations are found by their first identifier (the one the record stores).</summary>
    private void IndexFirstIdentifier(string type, JsonElement r, Guid key)
    {
        if (r.First("identifier") is { } identifier && identifier.Str("value", TextKind.Code) is { } value)
        {
            set.MasterData.Add((type, identifier.Str("system") ?? "", value, key));
        }
    }

    /// <summary>Whether a Reference points to a resource of <paramref name="type"/> (by its text, or its declared type).</summary>
    private bool IsType(JsonElement reference, string type)
    {
        if (reference.Str("type") == type)
        {
            return true;
        }

        var text = reference.Str("reference");
        return text is not null && (text.StartsWith(type + "?", StringComparison.Ordinal)
            || text.StartsWith(type + "/", StringComparison.Ordinal)
            || (fullUrls.TryGetValue(text, out var target) && target.Type == type));
    }

    private T Stamp<T>(T resource, Guid key)
        where T : ClinicalResource
    {
        resource.Id = key;
        resource.ImportedAt = now;
        return resource;
    }

    private T Scoped<T>(T resource, Guid key, JsonElement r, string subjectProperty, JsonElement? encounter = null)
        where T : PatientResource
    {
        Stamp(resource, key);
        resource.PatientId = refs.Required(r, subjectProperty, "Patient");
        encounter ??= r.Obj("encounter");
        resource.EncounterId = encounter is { } e ? refs.Resolve(e, "Encounter", "encounter") : null;
        return resource;
    }

    /// <summary>A name's given names as one string (the record's given_names), held to the name limit together.</summary>
    private static string Given(JsonElement name)
    {
        var parts = new List<string>();
        foreach (var part in name.Arr("given"))
        {
            parts.Add(part.ValueKind == JsonValueKind.String ? part.GetString()! : throw new FhirValueException(part, "must be a string"));
        }

        var given = string.Join(' ', parts);
        if (parts.Count > 0)
        {
            Fhir.CheckLength(name.GetProperty("given"), given.Length, TextKind.Name);
        }

        return given;
    }

    private static Coding Require(Coding? value, string what) =>
        value ?? throw new BundleProblemException($"it has no {what}, which the record requires");

    private static string RequireText(string? value, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw new BundleProblemException($"it has no {what}, which the record requires") : value;

    /// <summary>
    /// The procedure's primary performer: the practitioner performer whose function is PPRF (v3 ParticipationType), or
    /// the only practitioner performer. Several without a primary one decide nothing: responsibility follows the role,
    /// never the order of a list (chart completion sends such a stay to HIM for assignment).
    /// </summary>
    private JsonElement? PrimaryPerformer(JsonElement procedure)
    {
        JsonElement? only = null;
        var practitioners = 0;
        foreach (var performer in procedure.Arr("performer"))
        {
            if (performer.Obj("actor") is not { } actor || !IsType(actor, "Practitioner"))
            {
                continue;
            }

            if (performer.Concept("function")?.Code == "PPRF")
            {
                return actor;
            }

            practitioners++;
            only = actor;
        }

        return practitioners == 1 ? only : null;
    }

    /// <summary>Every "system|code" a MedicationRequest carries about how it was given: its category codings and any extension's valueCoding.</summary>
    private static string[] OrderModeCodes(JsonElement request)
    {
        var codes = new List<string>();
        foreach (var category in request.Arr("category"))
        {
            foreach (var coding in category.Arr("coding"))
            {
                if (coding.Str("code", TextKind.Code) is { } code)
                {
                    codes.Add($"{coding.Str("system")}|{code}");
                }
            }
        }

        foreach (var extension in request.Arr("extension"))
        {
            if (extension.Obj("valueCoding") is { } coding && coding.Str("code", TextKind.Code) is { } code)
            {
                codes.Add($"{coding.Str("system")}|{code}");
            }
        }

        return [.. codes];
    }
}
