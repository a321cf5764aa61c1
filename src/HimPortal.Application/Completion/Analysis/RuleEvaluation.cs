using HimPortal.Data.Completion;

namespace HimPortal.Application.Completion.Analysis;

/// <summary>What the rules read of one discharged stay (read set-based for a batch by <see cref="AnalyseStaysHandler"/>).</summary>
public sealed record StayFacts(
    Guid EncounterId,
    Guid PatientId,
    string EncounterClass,
    Guid? FacilityId,
    DateTimeOffset? AdmittedAt,
    DateTimeOffset DischargedAt,
    IReadOnlyList<StayParticipant> Participants,
    IReadOnlyList<StayProcedure> Procedures,
    IReadOnlyList<StayNote> Notes,
    IReadOnlyList<StayOrder> Orders);

/// <summary>An encounter participant by role (v3 ParticipationType: ADM, ATND, DIS, PPRF…).</summary>
public sealed record StayParticipant(Guid PractitionerId, string? Type);

/// <summary>A procedure in force with what its code means for the rules (completion.procedure_kinds).</summary>
public sealed record StayProcedure(Guid Id, DateTimeOffset? Start, DateTimeOffset? End, Guid? PerformerId, bool Surgery, bool Anesthesia, bool Consent)
{
    public bool Has(string? flag) => flag switch
    {
        ProcedureFlags.Surgery => Surgery,
        ProcedureFlags.Anesthesia => Anesthesia,
        ProcedureFlags.Consent => Consent,
        _ => false,
    };
}

/// <summary>A document in force: its LOINC type, date, author and whether it counts as signed (authenticator + final/amended, or a signature given here).</summary>
public sealed record StayNote(Guid Id, string? TypeCode, DateTimeOffset? Date, Guid? AuthorId, bool IsSigned);

/// <summary>A verbal or telephone order in force (its mode mapped through completion.order_modes), and whether it was signed here.</summary>
public sealed record StayOrder(Guid Id, DateTimeOffset? AuthoredOn, Guid? RequesterId, bool IsSigned);

/// <summary>
/// A deficiency the rules want the stay to have. <see cref="Open"/> false records a miss nobody can put right (a document
/// written after its window): kept, resolved as satisfied, so the numbers see it but no physician is chased for it.
/// </summary>
public sealed record WantedDeficiency(
    string Key,
    Guid RuleId,
    string Kind,
    string Description,
    bool Open,
    DateTimeOffset DueAt,
    Guid? ResponsiblePractitionerId,
    string? DocumentType = null,
    Guid? DocumentId = null,
    Guid? ProcedureId = null,
    Guid? OrderId = null);

/// <summary>The rules' verdict on one stay: what it lacks, the keys checked and found fulfilled, and the days to delinquency.</summary>
public sealed record StayVerdict(IReadOnlyList<WantedDeficiency> Wanted, IReadOnlySet<string> Satisfied, int DelinquentAfterDays);

/// <summary>
/// The medical staff's rules applied to one stay: a pure function of the stay's facts and the rules (no clock, no
/// database), so every rule's semantics are tested without I/O and the batch around it stays set-based (ADR cc-analysis).
/// </summary>
public static class RuleEvaluation
{
    /// <summary>Days from discharge to delinquency when no record-complete rule applies (42 CFR 482.24(c)(4)(viii): 30 days).</summary>
    public const int DefaultDelinquentAfterDays = 30;

    public static bool AppliesTo(CompletionRule rule, StayFacts stay)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(stay);
        return rule.Enabled
               && rule.EncounterClasses.Contains(stay.EncounterClass, StringComparer.Ordinal)
               && (rule.FacilityIds.Length == 0 || (stay.FacilityId is { } facility && rule.FacilityIds.Contains(facility)));
    }

    public static StayVerdict Evaluate(StayFacts stay, IReadOnlyList<CompletionRule> rules)
    {
        ArgumentNullException.ThrowIfNull(stay);
        ArgumentNullException.ThrowIfNull(rules);
        var wanted = new List<WantedDeficiency>();
        var satisfied = new HashSet<string>(StringComparer.Ordinal);
        int? delinquentDays = null;
        foreach (var rule in rules.Where(r => AppliesTo(r, stay)))
        {
            switch (rule.Kind)
            {
                case RuleKinds.Document:
                    EvaluateDocumentRule(stay, rule, wanted, satisfied);
                    break;
                case RuleKinds.Authentication:
                    EvaluateAuthentication(stay, rule, wanted, satisfied);
                    break;
                case RuleKinds.OrderAuthentication:
                    EvaluateOrders(stay, rule, wanted, satisfied);
                    break;
                case RuleKinds.RecordComplete:
                    // Several applicable rules: the strictest holds.
                    delinquentDays = Math.Min(delinquentDays ?? int.MaxValue, rule.DueDays ?? DefaultDelinquentAfterDays);
                    break;
            }
        }

        return new StayVerdict(wanted, satisfied, delinquentDays ?? DefaultDelinquentAfterDays);
    }

    // A document rule, once per anchor: admission, discharge, or each procedure with the rule's flag. The window is
    // inclusive at both edges; for a procedure, a window that closes at or before it (consent, pre-anesthesia
    // evaluation) is measured from its start, one that closes after it (operative report, post-anesthesia) from its end.
    private static void EvaluateDocumentRule(StayFacts stay, CompletionRule rule, List<WantedDeficiency> wanted, HashSet<string> satisfied)
    {
        var start = TimeSpan.FromHours(rule.WindowStartHours ?? 0);
        var end = TimeSpan.FromHours(rule.WindowEndHours ?? 0);
        var documents = stay.Notes
            .Where(n => n.Date is not null && n.TypeCode is not null && rule.DocumentTypes.Contains(n.TypeCode, StringComparer.Ordinal))
            .OrderBy(n => n.Date)
            .ToList();
        switch (rule.Anchor)
        {
            case RuleAnchors.Admission when stay.AdmittedAt is { } admitted:
                CheckWindow(stay, rule, rule.Code, admitted, start, end, documents, Responsible(stay, rule, null), null, wanted, satisfied);
                break;
            case RuleAnchors.Discharge:
                CheckWindow(stay, rule, rule.Code, stay.DischargedAt, start, end, documents, Responsible(stay, rule, null), null, wanted, satisfied);
                break;
            case RuleAnchors.Procedure:
                foreach (var procedure in stay.Procedures.Where(p => p.Has(rule.ProcedureFlag)))
                {
                    var anchor = end <= TimeSpan.Zero ? procedure.Start ?? procedure.End : procedure.End ?? procedure.Start;
                    if (anchor is { } at)
                    {
                        CheckWindow(stay, rule, $"{rule.Code}:{procedure.Id:D}", at, start, end, documents, Responsible(stay, rule, procedure), procedure.Id, wanted, satisfied);
                    }
                }

                break;
        }
    }

    private static void CheckWindow(
        StayFacts stay, CompletionRule rule, string key, DateTimeOffset anchor, TimeSpan start, TimeSpan end, List<StayNote> documents,
        Guid? responsible, Guid? procedureId, List<WantedDeficiency> wanted, HashSet<string> satisfied)
    {
        var opens = anchor + start;
        var due = anchor + end;
        var inWindow = documents.Where(d => d.Date >= opens && d.Date <= due).ToList();

        // 42 CFR 482.22(c)(5) and 482.51(b)(1): the H&P also precedes the stay's first surgery or procedure needing anesthesia.
        var before = rule.BeforeProcedureFlag is { } flag
            ? stay.Procedures.Where(p => p.Has(flag) && p.Start is not null).Min(p => p.Start)
            : null;
        var onTime = before is { } limit ? inWindow.Where(d => d.Date <= limit).ToList() : inWindow;
        if (onTime.Count == 0)
        {
            // Present but after the window (or after the procedure it had to precede): the record has it, the regulation's
            // timing was missed. Recorded as a late document, resolved (nobody can write it earlier); else it is missing.
            var late = documents.FirstOrDefault(d => d.Date > opens);
            wanted.Add(late is not null
                ? new WantedDeficiency(key, rule.Id, DeficiencyKinds.LateDocument, Describe(rule.Name, "written late"), false, due, responsible,
                    rule.DocumentTypes.FirstOrDefault(), late.Id, procedureId)
                : new WantedDeficiency(key, rule.Id, DeficiencyKinds.MissingDocument, rule.Name, true, due, responsible,
                    rule.DocumentTypes.FirstOrDefault(), null, procedureId));
            return;
        }

        satisfied.Add(key);

        // 42 CFR 482.22(c)(5)(ii): a document from before the anchor (an H&P up to 30 days before admission) needs an
        // update note within the configured hours after it, unless a document of the rule was written after the anchor anyway.
        if (rule.UpdateNoteTypes.Length > 0 && rule.UpdateWithinHours is { } within && onTime.All(d => d.Date < anchor))
        {
            var updateKey = key + ":update";
            var updateDue = anchor + TimeSpan.FromHours(within);
            var updated = stay.Notes.Any(n => n.TypeCode is not null && rule.UpdateNoteTypes.Contains(n.TypeCode, StringComparer.Ordinal)
                                              && n.Date >= anchor && n.Date <= updateDue);
            if (updated)
            {
                satisfied.Add(updateKey);
            }
            else
            {
                wanted.Add(new WantedDeficiency(updateKey, rule.Id, DeficiencyKinds.MissingUpdateNote,
                    Describe(rule.Name, $"update note within {within} hours after admission"), true, updateDue, responsible,
                    rule.UpdateNoteTypes.FirstOrDefault(), onTime[0].Id, procedureId));
            }
        }
    }

    // 42 CFR 482.24(c)(1): every entry authenticated by its author; the hours are the bylaws'.
    private static void EvaluateAuthentication(StayFacts stay, CompletionRule rule, List<WantedDeficiency> wanted, HashSet<string> satisfied)
    {
        foreach (var note in stay.Notes)
        {
            var key = $"{rule.Code}:{note.Id:D}";
            if (note.IsSigned)
            {
                satisfied.Add(key);
                continue;
            }

            var due = (note.Date ?? stay.DischargedAt) + TimeSpan.FromHours(rule.DueHours ?? 0);
            wanted.Add(new WantedDeficiency(key, rule.Id, DeficiencyKinds.Signature, rule.Name, true, due, note.AuthorId,
                note.TypeCode, note.Id));
        }
    }

    // 42 CFR 482.24(c)(2): verbal and telephone orders authenticated by the orderer; the hours are the state's or the bylaws'.
    private static void EvaluateOrders(StayFacts stay, CompletionRule rule, List<WantedDeficiency> wanted, HashSet<string> satisfied)
    {
        foreach (var order in stay.Orders)
        {
            var key = $"{rule.Code}:{order.Id:D}";
            if (order.IsSigned)
            {
                satisfied.Add(key);
                continue;
            }

            var due = (order.AuthoredOn ?? stay.AdmittedAt ?? stay.DischargedAt) + TimeSpan.FromHours(rule.DueHours ?? 0);
            wanted.Add(new WantedDeficiency(key, rule.Id, DeficiencyKinds.OrderAuthentication, rule.Name, true, due, order.RequesterId,
                OrderId: order.Id));
        }
    }

    /// <summary>
    /// Who owes a document rule's deficiency, by role in the stay, never by a list's order: a role held by two different
    /// practitioners is undecidable (null: the HIM queue assigns it).
    /// </summary>
    public static Guid? Responsible(StayFacts stay, CompletionRule rule, StayProcedure? procedure)
    {
        ArgumentNullException.ThrowIfNull(stay);
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Responsible switch
        {
            ResponsibleRoles.AdmittingOrAttending => ByRole(stay, "ADM", "ATND"),
            ResponsibleRoles.DischargingAttending => ByRole(stay, "DIS", "ATND", "PPRF"),
            ResponsibleRoles.PrimaryPerformer => procedure is not null ? procedure.PerformerId : ByRole(stay, "PPRF"),
            _ => null,
        };
    }

    private static Guid? ByRole(StayFacts stay, params string[] roles)
    {
        foreach (var role in roles)
        {
            var holders = stay.Participants.Where(p => p.Type == role).Select(p => p.PractitionerId).Distinct().Take(2).ToList();
            if (holders.Count > 0)
            {
                return holders.Count == 1 ? holders[0] : null;
            }
        }

        return null;
    }

    private static string Describe(string name, string what)
    {
        var text = $"{name}: {what}";
        return text.Length <= 500 ? text : text[..500];
    }
}
