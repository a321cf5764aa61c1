using System.Security.Cryptography;
using System.Text;

namespace HimPortal.Data.Access;

/// <summary>
/// The sensitivity labels and automatic coding rules every hospital starts with (seeded by the migration). Codes are
/// HL7 v3 ActCode information-sensitivity codes (http://terminology.hl7.org/CodeSystem/v3-ActCode). The code lists are a
/// conservative start, not a complete value set: the hospital extends them (SAMHSA's C2S value sets are the reference),
/// and a person removes a label a rule gave wrongly, which the rules then leave alone.
/// </summary>
public static class SensitivitySeed
{
    public const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public const string Snomed = "http://snomed.info/sct";
    public const string Loinc = "http://loinc.org";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";

    private static readonly DateTimeOffset Seeded = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    public static readonly SensitivityLabel[] Labels =
    [
        Label("PSYTHPN", "Psychotherapy notes",
            "45 CFR 164.501 (definition); 164.508(a)(2) (authorization required); 164.524(a)(1)(i) (outside the right of access)",
            blocks: true, encounter: false),
        Label("SUD", "Substance use disorder records (42 CFR Part 2)",
            "42 CFR Part 2: 2.12 (records covered), 2.31 (consent), 2.32 (notice to accompany disclosure); tobacco and caffeine are not covered (2.11)",
            blocks: true, encounter: true),
        Label("HIV", "HIV/AIDS information",
            "State HIV/AIDS confidentiality law (specific written consent to disclose in most states)",
            blocks: true, encounter: true),
        Label("BH", "Behavioral and mental health information",
            "State mental-health confidentiality law; psychotherapy notes are labelled PSYTHPN (45 CFR 164.508(a)(2))",
            blocks: false, encounter: false),
        Label("GDIS", "Genetic information",
            "Genetic Information Nondiscrimination Act of 2008 (Pub. L. 110-233); 45 CFR 164.502(a)(5)(i) (no use by health plans for underwriting)",
            blocks: false, encounter: false),
        Label("SEX", "Sexual and reproductive health, including care a minor consented to",
            "State minor-consent and reproductive-health privacy law; 45 CFR 164.502(g)(3) (a parent is not the personal representative for care the minor consented to)",
            blocks: true, encounter: true),
        // v3 ActCode has no code for care a minor consented to alone, so the hospital's own code system names it. A
        // parent's proxy in the portal never sees items with it (45 CFR 164.502(g)(3)); HIM puts it on by hand, as state
        // minor-consent law (contraception, STI testing, mental health, substance use) decides.
        Label("MINORCNS", "Care a minor lawfully consented to alone",
            "45 CFR 164.502(g)(3) (a parent is not the personal representative for it); state minor-consent law",
            blocks: false, encounter: true, system: LocalCodes),
    ];

    /// <summary>The hospital's own sensitivity codes, where v3 ActCode has none.</summary>
    public const string LocalCodes = "urn:himportal:sensitivity";

    public static readonly SensitivityCodeRule[] CodeRules =
    [
        // 42 CFR Part 2: alcohol and drug use disorders (ICD-10-CM F10–F19 without F17, nicotine).
        .. Codes("SUD", Icd10Cm, prefix: true, "F10", "F11", "F12", "F13", "F14", "F15", "F16", "F18", "F19"),
        .. Codes("SUD", Snomed, prefix: false,
            "7200002",   // Alcoholism
            "5602001",   // Opioid abuse
            "6525002",   // Dependent drug abuse
            "66214007"), // Substance abuse
        .. Codes("HIV", Snomed, prefix: false,
            "86406008",  // Human immunodeficiency virus infection
            "62479008",  // Acquired immune deficiency syndrome
            "165816005"), // HIV positive
        .. Codes("HIV", Icd10Cm, prefix: true, "B20", "Z21", "O98.7"),
        .. Codes("HIV", Loinc, prefix: false,
            "80203-3",   // HIV 1 and 2 Ab [Identifier] by rapid immunoassay
            "89365-1",   // HIV 1 and 2 Ab panel by rapid immunoassay
            "9836-8"),   // HIV proviral DNA by probe with amplification
        // Mental and behavioural disorders without organic, intellectual and developmental ones (F0, F7, F8) and
        // substance use (F1, labelled SUD).
        .. Codes("BH", Icd10Cm, prefix: true, "F2", "F3", "F4", "F5", "F6", "F9"),
        .. Codes("BH", Snomed, prefix: false,
            "35489007",  // Depressive disorder
            "370143000", // Major depressive disorder
            "197480006", // Anxiety disorder
            "58214004",  // Schizophrenia
            "13746004",  // Bipolar disorder
            "47505003"), // Posttraumatic stress disorder
        // Note types: LOINC has no psychotherapy-note type (164.501 psychotherapy notes are kept apart from the record),
        // so psychiatry and psychology notes are labelled behavioural health; PSYTHPN is given by hand or by the
        // hospital's own note type code.
        .. Codes("BH", Loinc, prefix: false,
            "28627-8",   // Psychiatry Progress note
            "11510-5",   // Psychology Progress note
            "34904-3",   // Mental health Progress note
            "34785-6",   // Mental health Consult note
            "44249-1"),  // PHQ-9 quick depression assessment panel
        .. Codes("GDIS", Loinc, prefix: false,
            "51969-4",   // Genetic analysis report
            "81247-9"),  // Master HL7 genetic variant reporting panel
        // Sexually transmitted infections (A50–A64), contraception, termination of pregnancy.
        .. Codes("SEX", Icd10Cm, prefix: true, "A5", "A60", "A63", "A64", "Z30", "Z33.2", "O04"),
    ];

    private static SensitivityLabel Label(string code, string title, string regulation, bool blocks, bool encounter, string system = ActCode) => new()
    {
        Code = code,
        CodeSystem = system,
        Title = title,
        Regulation = regulation,
        BlocksReleaseWithoutAuthorization = blocks,
        LabelsEncounter = encounter,
        Active = true,
        UpdatedAt = Seeded,
    };

    private static IEnumerable<SensitivityCodeRule> Codes(string label, string system, bool prefix, params string[] codes) =>
        codes.Select(code => new SensitivityCodeRule { Id = SeedId(label, system, code), LabelCode = label, CodeSystem = system, Code = code, Prefix = prefix });

    /// <summary>A key that stays the same from one model build to the next, so the seed never shows up as a model change.</summary>
    private static Guid SeedId(string label, string system, string code)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"sensitivity-code-rule|{label}|{system}|{code}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}
