namespace HimPortal.Data.Completion;

/// <summary>
/// What the surgical and anaesthetic procedures of the sample data (Synthea's bundles under data/synthea-r4 and the demo
/// generator) mean for the rules; HIM managers add the rest. Surgery: an operative report follows and an H&amp;P precedes it
/// (42 CFR 482.51(b)); anesthesia: pre- and post-anesthesia evaluations (482.52(b)); consent: informed consent first
/// (482.51(b)(2)). Codes and displays as the bundles send them (SNOMED CT).
/// </summary>
public static class ProcedureKindSeed
{
    public const string Snomed = "http://snomed.info/sct";

    internal static readonly ProcedureKind[] Kinds =
    [
        Surgical("80146002", "Appendectomy"),
        Surgical("11466000", "Cesarean section"),
        Surgical("43075005", "Partial resection of colon"),
        Surgical("274031008", "Rectal polypectomy"),
        Surgical("699253003", "Surgical manipulation of joint of knee"),
        Surgical("714812005", "Induced termination of pregnancy"),
        Surgical("447365002", "Insertion of biventricular implantable cardioverter defibrillator"),
        Surgical("18286008", "Catheter ablation of tissue of heart"),
        Surgical("433112001", "Percutaneous mechanical thrombectomy of portal vein using fluoroscopic guidance"),
        // Sedation or anaesthesia and consent, but no operation: no operative report.
        new() { System = Snomed, Code = "73761001", Display = "Colonoscopy", Anesthesia = true, Consent = true },
        new() { System = Snomed, Code = "180325003", Display = "Electrical cardioversion", Anesthesia = true, Consent = true },
        new() { System = Snomed, Code = "18946005", Display = "Epidural anesthesia", Anesthesia = true, Consent = true },
        new() { System = Snomed, Code = "180207008", Display = "Intravenous blood transfusion of packed cells (procedure)", Consent = true },
    ];

    private static ProcedureKind Surgical(string code, string display) =>
        new() { System = Snomed, Code = code, Display = display, Surgery = true, Anesthesia = true, Consent = true };
}
