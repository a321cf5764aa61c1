using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Patients.Matching;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.SuggestFiling;

/// <param name="Name">The clerk's search: "given family" or "family, given"; with <paramref name="BirthDate"/> it is a probe for the MPI engine.</param>
public sealed record SuggestFilingQuery(Guid DocumentId, string? Name = null, DateOnly? BirthDate = null);

/// <summary>A patient the document's text points at, and why (which kind of evidence, on which page), strongest first.</summary>
public sealed record PatientSuggestion(Guid PatientId, string Name, DateOnly? BirthDate, string? Mrn, string Why, int Strength);

/// <summary>A catalogue type whose name or usual heading appears in the text.</summary>
public sealed record TypeSuggestion(Guid DocumentTypeId, string Name, string Why);

/// <summary>
/// A record the MPI engine scores as who the clerk's search or the page names (issue 16 item 2): the match probability,
/// the fields that agree or nearly agree ("given (nickname)"), and what it was matched from ("search" or "page N").
/// </summary>
public sealed record ScoredSuggestion(Guid PatientId, string Name, DateOnly? BirthDate, string? Mrn, double Score, IReadOnlyList<string> Agreeing, string From);

/// <param name="HasText">False when no page has text yet (a scan waiting for OCR, or OCR not installed): nothing to suggest from.</param>
public sealed record FilingSuggestions(bool HasText, IReadOnlyList<PatientSuggestion> Patients, IReadOnlyList<TypeSuggestion> Types)
{
    /// <summary>The MPI engine's scored candidates, best first, beside the text's suggestions.</summary>
    public IReadOnlyList<ScoredSuggestion> Scored { get; init; } = [];
}

/// <summary>
/// Suggestions for the indexing screen from the document's text (issue 15 item 5): a patient whose MRN appears on a
/// page (strongest), or whose family name appears with their birth date; and document types whose name or heading
/// appears. Candidates are checked against the patient index in two indexed queries (MRN, birth date), never a scan.
/// The master patient index's engine adds scored suggestions (issue 16 item 2): for the clerk's search (a name with a
/// birth date) and for the names and birth dates the text points at, <see cref="PatientMatcher.CandidatesForAsync"/>
/// scores the index (blocked, never a scan), so a record under a nickname, a misspelling or a married name is offered
/// too. One audit row (a search by the clerk's purpose, healthcare operations), naming the document, not the patients
/// suggested.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class SuggestFilingHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, PatientMatcher matcher)
    : Handler<SuggestFilingQuery, Result<FilingSuggestions>>(permissions)
{
    /// <summary>Headings that name a type on the page, beyond the catalogue's own names, by LOINC code.</summary>
    private static readonly Dictionary<string, string[]> Headings = new(StringComparer.Ordinal)
    {
        ["34117-2"] = ["history and physical", "h&p", "admission history"],
        ["18842-5"] = ["discharge summary", "discharge instructions"],
        ["11504-8"] = ["operative report", "operative note", "procedure note"],
        ["11506-3"] = ["progress note", "soap note"],
        ["11488-4"] = ["consultation", "consult note"],
        ["59284-0"] = ["consent", "informed consent"],
    };

    protected override async Task<Result<FilingSuggestions>> ExecuteAsync(SuggestFilingQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!await db.Set<ScannedDocument>().AnyAsync(d => d.Id == query.DocumentId, ct))
        {
            return Error.NotFound("No such scanned document.");
        }

        var pages = await (from dp in db.Set<ScannedDocumentPage>()
                           join p in db.Set<DocumentPage>() on dp.PageId equals p.Id
                           where dp.DocumentId == query.DocumentId && p.Text != null
                           orderby dp.Ordinal
                           select new { dp.Ordinal, p.Text }).AsNoTracking().ToListAsync(ct);
        var texts = new List<(int Page, string Text)>();
        var budget = FilingHints.MaxCharacters;
        foreach (var page in pages.Where(p => !string.IsNullOrWhiteSpace(p.Text)))
        {
            if (budget <= 0)
            {
                break;
            }

            var text = page.Text!.Length <= budget ? page.Text : page.Text[..budget];
            budget -= text.Length;
            texts.Add((page.Ordinal + 1, text));
        }

        var patients = texts.Count == 0 ? [] : await SuggestPatientsAsync(texts, ct);
        var types = texts.Count == 0 ? [] : await SuggestTypesAsync(texts, ct);
        var scored = await ScoreAsync(query, patients, ct);
        if (texts.Count == 0 && scored.Count == 0)
        {
            return Result<FilingSuggestions>.Success(new FilingSuggestions(false, [], []));
        }

        await audit.RecordAloneAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, ScannedDocumentAudit.ResourceType,
            query.DocumentId.ToString("D"), Purpose: ScannedDocumentAudit.OperationsPurpose,
            Details: $"filing suggestions from the document's text; {patients.Count} patients shown; {scored.Count} scored by the MPI engine"), ct);
        return Result<FilingSuggestions>.Success(new FilingSuggestions(texts.Count > 0, patients, types) { Scored = scored });
    }

    /// <summary>Most probes per request: the clerk's search and the two strongest names the text points at.</summary>
    private const int MaxTextProbes = 2;

    /// <summary>The engine's candidates for the clerk's search and for the text's name-and-birth-date suggestions, merged by record (best score kept), best five.</summary>
    private async Task<IReadOnlyList<ScoredSuggestion>> ScoreAsync(SuggestFilingQuery query, IReadOnlyList<PatientSuggestion> fromText, CancellationToken ct)
    {
        var probes = new List<(MatchProbe Probe, string From)>();
        if (query.BirthDate is { } born && SplitName(query.Name) is var (given, family) && family is not null)
        {
            probes.Add((new MatchProbe(given, family, born, null), "search"));
        }

        foreach (var s in fromText.Where(s => s.BirthDate is not null).Take(MaxTextProbes))
        {
            var parts = s.Name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2)
            {
                probes.Add((new MatchProbe(parts[0], parts[^1], s.BirthDate, null), s.Why));
            }
        }

        var best = new Dictionary<Guid, (MatchCandidate Candidate, string From)>();
        foreach (var (probe, from) in probes)
        {
            foreach (var candidate in await matcher.CandidatesForAsync(probe, ct))
            {
                if (!best.TryGetValue(candidate.PatientId, out var had) || had.Candidate.Score < candidate.Score)
                {
                    best[candidate.PatientId] = (candidate, from);
                }
            }
        }

        var top = best.Values.OrderByDescending(b => b.Candidate.Score).ThenByDescending(b => b.Candidate.Weight).Take(5).ToList();
        Guid[] ids = [.. top.Select(t => t.Candidate.PatientId)];
        var records = await db.Set<Patient>().AsNoTracking().Where(p => ids.Contains(p.Id))
            .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.BirthDate, p.Mrn }).ToDictionaryAsync(p => p.Id, ct);
        return [.. top.Where(t => records.ContainsKey(t.Candidate.PatientId)).Select(t =>
        {
            var p = records[t.Candidate.PatientId];
            return new ScoredSuggestion(p.Id, $"{p.GivenNames} {p.FamilyName}".Trim(), p.BirthDate, p.Mrn, t.Candidate.Score,
                [.. t.Candidate.Fields.Where(f => f.Outcome is FieldOutcomes.Agree or FieldOutcomes.Partial)
                    .Select(f => f.Outcome == FieldOutcomes.Partial ? $"{f.Field} ({f.Note ?? "partly"})" : f.Field)], t.From);
        })];
    }

    /// <summary>"given family" or "family, given" (the forms a clerk types); the given name null when only one word.</summary>
    private static (string? Given, string? Family) SplitName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return (null, null);
        }

        if (name.Split(',', 2, StringSplitOptions.TrimEntries) is [var family, var given])
        {
            return (given.Length == 0 ? null : given, family.Length == 0 ? null : family);
        }

        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 1 ? (null, words[0]) : (string.Join(' ', words[..^1]), words[^1]);
    }

    private async Task<IReadOnlyList<PatientSuggestion>> SuggestPatientsAsync(List<(int Page, string Text)> texts, CancellationToken ct)
    {
        var suggestions = new Dictionary<Guid, PatientSuggestion>();
        var mrnPage = new Dictionary<string, int>(StringComparer.Ordinal);
        var datePage = new Dictionary<DateOnly, int>();
        foreach (var (page, text) in texts)
        {
            foreach (var token in FilingHints.MrnCandidates(text))
            {
                mrnPage.TryAdd(token, page);
            }

            foreach (var date in FilingHints.Dates(text))
            {
                datePage.TryAdd(date, page);
            }
        }

        string[] tokens = [.. mrnPage.Keys];
        var byMrn = await db.Set<Patient>().AsNoTracking().Where(p => p.Mrn != null && tokens.Contains(p.Mrn))
            .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.BirthDate, p.Mrn }).Take(10).ToListAsync(ct);
        foreach (var p in byMrn)
        {
            suggestions[p.Id] = new PatientSuggestion(p.Id, $"{p.GivenNames} {p.FamilyName}".Trim(), p.BirthDate, p.Mrn,
                $"MRN {p.Mrn} on page {mrnPage[p.Mrn!]}", 3);
        }

        DateOnly[] dates = [.. datePage.Keys];
        if (dates.Length > 0)
        {
            var folded = texts.ToDictionary(t => t.Page, t => FilingHints.Folded(t.Text));
            var born = await db.Set<Patient>().AsNoTracking().Where(p => p.BirthDate != null && dates.Contains(p.BirthDate.Value))
                .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.BirthDate, p.Mrn }).Take(200).ToListAsync(ct);
            foreach (var p in born.Where(p => !suggestions.ContainsKey(p.Id) && !string.IsNullOrWhiteSpace(p.FamilyName)))
            {
                var family = " " + Patients.PatientNames.Fold(p.FamilyName!) + " ";
                var page = folded.FirstOrDefault(f => f.Value.Contains(family, StringComparison.Ordinal)).Key;
                if (page == 0)
                {
                    continue;
                }

                var given = p.GivenNames?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                var withGiven = given is not null && folded[page].Contains(" " + Patients.PatientNames.Fold(given) + " ", StringComparison.Ordinal);
                suggestions[p.Id] = new PatientSuggestion(p.Id, $"{p.GivenNames} {p.FamilyName}".Trim(), p.BirthDate, p.Mrn,
                    withGiven ? $"name and birth date on page {page}" : $"family name and birth date on page {page}", withGiven ? 2 : 1);
            }
        }

        return suggestions.Values.OrderByDescending(s => s.Strength).ThenBy(s => s.Name, StringComparer.Ordinal).Take(5).ToList();
    }

    private async Task<IReadOnlyList<TypeSuggestion>> SuggestTypesAsync(List<(int Page, string Text)> texts, CancellationToken ct)
    {
        var catalogue = await db.Set<DocumentType>().AsNoTracking().Where(t => t.Active).OrderBy(t => t.SortOrder).ToListAsync(ct);
        var folded = texts.Select(t => (t.Page, Text: FilingHints.Folded(t.Text))).ToList();
        var found = new List<TypeSuggestion>();
        foreach (var type in catalogue)
        {
            IEnumerable<string> words = [type.Name];
            if (type.LoincCode is not null && Headings.TryGetValue(type.LoincCode, out var headings))
            {
                words = words.Concat(headings);
            }

            foreach (var word in words)
            {
                var needle = " " + Patients.PatientNames.Fold(word) + " ";
                var hit = folded.FirstOrDefault(f => f.Text.Contains(needle, StringComparison.Ordinal));
                if (hit.Page != 0)
                {
                    found.Add(new TypeSuggestion(type.Id, type.Name, $"\"{word}\" on page {hit.Page}"));
                    break;
                }
            }
        }

        return found.Take(3).ToList();
    }
}
