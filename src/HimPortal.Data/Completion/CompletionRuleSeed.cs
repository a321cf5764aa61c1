namespace HimPortal.Data.Completion;

/// <summary>
/// The rules a new installation starts with (HIM managers change them): the Conditions of Participation's, with the
/// windows the regulations give and, where they leave it to the bylaws, a common choice.
/// </summary>
internal static class CompletionRuleSeed
{
    private static readonly DateTimeOffset Seeded = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Stays of a hospital: inpatient, observation, short stay (day surgery).</summary>
    private static readonly string[] HospitalStays = ["IMP", "OBSENC", "SS"];

    internal static readonly CompletionRule[] Rules =
    [
        new()
        {
            Id = new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0001"), Code = "hp-24h", Kind = RuleKinds.Document,
            Name = "History and physical within 24 hours after admission, and before surgery",
            Citation = "42 CFR 482.22(c)(5)(i)-(ii); 482.51(b)(1)",
            Description = "An H&P done no more than 30 days before admission needs an update note within 24 hours after admission; either way it precedes surgery or a procedure needing anesthesia.",
            EncounterClasses = HospitalStays, DocumentTypes = ["34117-2", "11492-6"], Anchor = RuleAnchors.Admission,
            WindowStartHours = -720, WindowEndHours = 24, UpdateNoteTypes = ["34117-2", "11492-6"], UpdateWithinHours = 24,
            BeforeProcedureFlag = ProcedureFlags.Anesthesia, Responsible = ResponsibleRoles.AdmittingOrAttending, UpdatedAt = Seeded,
        },
        new()
        {
            Id = new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0002"), Code = "operative-report", Kind = RuleKinds.Document,
            Name = "Operative report immediately after surgery",
            Citation = "42 CFR 482.51(b)(6)",
            Description = "Written or dictated immediately after surgery and signed by the surgeon; the hospital's \"immediately\" is the window's end.",
            EncounterClasses = HospitalStays, DocumentTypes = ["11504-8"], Anchor = RuleAnchors.Procedure, ProcedureFlag = ProcedureFlags.Surgery,
            WindowStartHours = 0, WindowEndHours = 24, Responsible = ResponsibleRoles.PrimaryPerformer, UpdatedAt = Seeded,
        },
        new()
        {
            Id = new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0003"), Code = "discharge-summary", Kind = RuleKinds.Document,
            Name = "Discharge summary after an inpatient stay",
            Citation = "42 CFR 482.24(c)(4)(vii)",
            Description = "A discharge summary with outcome of hospitalization, disposition and provisions for follow-up care.",
            EncounterClasses = ["IMP"], DocumentTypes = ["18842-5"], Anchor = RuleAnchors.Discharge,
            WindowStartHours = -72, WindowEndHours = 168, Responsible = ResponsibleRoles.DischargingAttending, UpdatedAt = Seeded,
        },
        new()
        {
            Id = new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0004"), Code = "consent", Kind = RuleKinds.Document,
            Name = "Informed consent before procedures that need one",
            Citation = "42 CFR 482.24(c)(4)(v); 482.51(b)(2)",
            EncounterClasses = HospitalStays, DocumentTypes = ["59284-0"], Anchor = RuleAnchors.Procedure, ProcedureFlag = ProcedureFlags.Consent,
            WindowStartHours = -720, WindowEndHours = 0, Responsible = ResponsibleRoles.PrimaryPerformer, UpdatedAt = Seeded,
        },
        new()
        {
            Id = new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0008"), Code = "pre-anesthesia", Kind = RuleKinds.Document,
            Name = "Pre-anesthesia evaluation within 48 hours before a procedure needing anesthesia",
            Citation = "42 CFR 482.52(b)(1)",
            Description = "By a practitioner qualified to administer anesthesia. LOINC 34750-0 Anesthesiology note, 11485-0 Anesthesia records.",
            EncounterClasses = HospitalStays, DocumentTypes = ["34750-0", "11485-0"], Anchor = RuleAnchors.Procedure, ProcedureFlag = ProcedureFlags.Anesthesia,
            WindowStartHours = -48, WindowEndHours = 0, Responsible = ResponsibleRoles.PrimaryPerformer, UpdatedAt = Seeded,
        },
        new()
        {
            Id = new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0009"), Code = "post-anesthesia", Kind = RuleKinds.Document,
            Name = "Post-anesthesia evaluation within 48 hours after the procedure",
            Citation = "42 CFR 482.52(b)(2)",
            Description = "After the patient leaves the anesthesia care area and no later than 48 hours after the procedure. LOINC 34750-0 Anesthesiology note, 11485-0 Anesthesia records.",
            EncounterClasses = HospitalStays, DocumentTypes = ["34750-0", "11485-0"], Anchor = RuleAnchors.Procedure, ProcedureFlag = ProcedureFlags.Anesthesia,
            WindowStartHours = 0, WindowEndHours = 48, Responsible = ResponsibleRoles.PrimaryPerformer, UpdatedAt = Seeded,
        },
        new()
        {
            Id = new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0005"), Code = "authentication", Kind = RuleKinds.Authentication,
            Name = "Every entry authenticated, dated and timed by its author",
            Citation = "42 CFR 482.24(c)(1)",
            EncounterClasses = [.. HospitalStays, "EMER"], Responsible = ResponsibleRoles.Author, DueHours = 72, UpdatedAt = Seeded,
        },
        new()
        {
            Id = new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0006"), Code = "verbal-orders", Kind = RuleKinds.OrderAuthentication,
            Name = "Verbal and telephone orders authenticated promptly by the ordering practitioner",
            Citation = "42 CFR 482.24(c)(2); state law or bylaws for the hours (CMS dropped its 48-hour rule in 2012)",
            EncounterClasses = [.. HospitalStays, "EMER"], Responsible = ResponsibleRoles.Orderer, DueHours = 48, UpdatedAt = Seeded,
        },
        new()
        {
            Id = new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0007"), Code = "record-complete", Kind = RuleKinds.RecordComplete,
            Name = "Record complete within 30 days of discharge",
            Citation = "42 CFR 482.24(c)(4)(viii)",
            Description = "An incomplete record is delinquent after these days.",
            EncounterClasses = [.. HospitalStays, "EMER"], Responsible = ResponsibleRoles.DischargingAttending, DueDays = 30, UpdatedAt = Seeded,
        },
    ];
}
