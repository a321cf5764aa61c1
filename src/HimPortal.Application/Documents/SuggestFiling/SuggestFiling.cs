using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.SuggestFiling;

public sealed record SuggestFilingQuery(Guid DocumentId);

/// <summary>A patient the document's text points at, and why (which kind of evidence, on which page), strongest first.</summary>
public sealed record PatientSuggestion(Guid PatientId, string Name, DateOnly? BirthDate, string? Mrn, string Why, int Strength);

/// <summary>A catalogue type whose name or usual heading appears in the text.</summary>
public sealed record TypeSuggestion(Guid DocumentTypeId, string Name, string Why);

/// <param name="HasText">False when no page has text yet (a scan waiting for OCR, or OCR not installed): nothing to suggest from.</param>
public sealed record FilingSuggestions(bool HasText, IReadOnlyList<PatientSuggestion> Patients, IReadOnlyList<TypeSuggestion> Types);

/// <summary>
/// Suggestions for the indexing screen from the document's text (issue 15 item 5): a patient whose MRN appears on a
/// page (strongest), or whose family name appears with their birth date; and document types whose name or heading
/// appears. Candidates are checked against the patient index in two indexed queries (MRN, birth date), never a scan.
/// The master patient index adds scored suggestions later. One audit row (a search by the clerk's purpose, healthcare
/// operations), naming the document, not the patients suggested.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class SuggestFilingHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit)
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

        if (texts.Count == 0)
        {
            return Result<FilingSuggestions>.Success(new FilingSuggestions(false, [], []));
        }

        var patients = await SuggestPatientsAsync(texts, ct);
        var types = await SuggestTypesAsync(texts, ct);
        await audit.RecordAloneAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, ScannedDocumentAudit.ResourceType,
            query.DocumentId.ToString("D"), Purpose: ScannedDocumentAudit.OperationsPurpose,
            Details: $"filing suggestions from the document's text; {patients.Count} patients shown"), ct);
        return Result<FilingSuggestions>.Success(new FilingSuggestions(true, patients, types));
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
