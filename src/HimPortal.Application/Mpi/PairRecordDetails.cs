using System.Text.Json;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Mpi;

/// <summary>
/// One record as a reviewer compares it with another: its demographics and identifiers, the SSN as its last four digits
/// only (minimum necessary, 45 CFR 164.502(b): the last four are enough to compare), and whether it is restricted, told
/// only to those who manage or review restrictions (as the patient search does).
/// </summary>
public sealed record PairRecordDetails(
    Guid Id,
    string Name,
    IReadOnlyList<string> OtherNames,
    DateOnly? BirthDate,
    string? Sex,
    string? SsnLast4,
    string? Address,
    string? Phone,
    string? Email,
    string? Mrn,
    IReadOnlyList<string> Identifiers,
    bool? Restricted)
{
    private const string SsnSystem = "http://hl7.org/fhir/sid/us-ssn";

    /// <summary>The records' details in two queries (the records, then their identifiers), whatever their number.</summary>
    public static async Task<IReadOnlyDictionary<Guid, PairRecordDetails>> ReadAsync(HimDbContext db, IReadOnlyCollection<Guid> ids, bool showRestriction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var wanted = ids.Distinct().ToArray();
        var patients = await db.Set<Patient>().AsNoTracking().Where(p => wanted.Contains(p.Id)).Select(p => new
        {
            p.Id, p.GivenNames, p.FamilyName, p.BirthDate, p.Sex, p.AddressLine, p.City, p.State, p.PostalCode, p.Phone, p.Mrn, p.Resource,
            Restricted = db.PatientRestrictions.Any(r => r.PatientId == p.Id && (r.Vip || r.Employee)),
        }).ToListAsync(ct);
        var identifiers = await db.Set<PatientIdentifier>().AsNoTracking().Where(i => wanted.Contains(i.ParentId))
            .OrderBy(i => i.ParentId).ThenBy(i => i.Ordinal).Select(i => new { i.ParentId, i.System, i.Value, i.TypeCode }).ToListAsync(ct);
        return patients.ToDictionary(p => p.Id, p =>
        {
            var own = identifiers.Where(i => i.ParentId == p.Id).ToList();
            var ssn = own.FirstOrDefault(i => i.System == SsnSystem || i.TypeCode == "SS")?.Value;
            var digits = ssn is null ? null : new string(ssn.Where(char.IsAsciiDigit).ToArray());
            var (otherNames, email) = FromResource(p.Resource);
            var address = string.Join(", ", new[] { p.AddressLine, p.City, string.Join(' ', new[] { p.State, p.PostalCode }.Where(s => !string.IsNullOrWhiteSpace(s))) }
                .Where(s => !string.IsNullOrWhiteSpace(s)));
            return new PairRecordDetails(p.Id, $"{p.GivenNames} {p.FamilyName}".Trim() is { Length: > 0 } name ? name : "(no name recorded)",
                otherNames, p.BirthDate, p.Sex, digits is { Length: >= 4 } ? digits[^4..] : null, address.Length > 0 ? address : null, p.Phone, email, p.Mrn,
                own.Where(i => i.TypeCode != "MR" && i.TypeCode != "SS" && i.System != SsnSystem).Select(i => $"{i.System}|{i.Value}").ToList(),
                showRestriction ? p.Restricted : null);
        });
    }

    /// <summary>The names after the first (maiden, former, aliases) and the first e-mail, from the record's FHIR JSON.</summary>
    private static (IReadOnlyList<string> OtherNames, string? Email) FromResource(string resource)
    {
        try
        {
            using var json = JsonDocument.Parse(resource);
            var root = json.RootElement;
            var names = new List<string>();
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("name", out var all) && all.ValueKind == JsonValueKind.Array)
            {
                foreach (var name in all.EnumerateArray().Skip(1))
                {
                    var given = name.TryGetProperty("given", out var g) && g.ValueKind == JsonValueKind.Array
                        ? string.Join(' ', g.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()))
                        : "";
                    var family = name.TryGetProperty("family", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : "";
                    var use = name.TryGetProperty("use", out var u) && u.ValueKind == JsonValueKind.String ? $" ({u.GetString()})" : "";
                    if ($"{given} {family}".Trim() is { Length: > 0 } text)
                    {
                        names.Add(text + use);
                    }
                }
            }

            string? email = null;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("telecom", out var telecom) && telecom.ValueKind == JsonValueKind.Array)
            {
                email = telecom.EnumerateArray()
                    .Where(t => t.TryGetProperty("system", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == "email")
                    .Select(t => t.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                    .FirstOrDefault(v => v is not null);
            }

            return (names, email);
        }
        catch (JsonException)
        {
            return ([], null);
        }
    }
}
