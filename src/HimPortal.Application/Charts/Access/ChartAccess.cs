using System.Collections.Frozen;
using HimPortal.Application.Auditing;
using HimPortal.Application.Common;
using HimPortal.Application.Security;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Records;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Charts;

/// <summary>Why a chart was opened: the basis of the access, recorded in the audit as an HL7 purpose of use.</summary>
public enum ChartAccessBasis
{
    /// <summary>The physician appears in one of the patient's encounters or care teams.</summary>
    TreatmentRelationship,

    /// <summary>HIM staff recorded that the physician treats the patient.</summary>
    Assignment,

    /// <summary>An emergency access the physician attested to; it waits for compliance review.</summary>
    BreakGlass,

    /// <summary>HIM department work (intake, release of information, compliance): the limited sections of the role.</summary>
    Operations,
}

public enum ChartAccessOutcome
{
    Granted,

    /// <summary>The physician may get in only by breaking the glass (no relationship, or a restricted record).</summary>
    BreakGlassRequired,

    Denied,
}

/// <summary>What the rules look at, read in one query by <see cref="ChartGate"/>.</summary>
public sealed record ChartAccessFacts(
    bool IsRestricted,
    bool TreatsInRecord,
    bool IsAssigned,
    Guid? BreakGlassId,
    DateTimeOffset? BreakGlassUntil);

public sealed record ChartAccessDecision(
    ChartAccessOutcome Outcome,
    ChartAccessBasis? Basis,
    FrozenSet<ChartSection> Sections,
    string Reason,
    Guid? BreakGlassId = null,
    DateTimeOffset? BreakGlassUntil = null)
{
    public bool IsGranted => Outcome == ChartAccessOutcome.Granted;

    public bool Shows(ChartSection section) => IsGranted && Sections.Contains(section);

    /// <summary>The HL7 v3 PurposeOfUse code of the access: TREAT, ETREAT (emergency) or HOPERAT (operations).</summary>
    public string PurposeOfUse => Basis switch
    {
        ChartAccessBasis.BreakGlass => "ETREAT",
        ChartAccessBasis.Operations => "HOPERAT",
        _ => "TREAT",
    };
}

/// <summary>
/// Who may open which chart: the one place these rules live (resource-based authorization; the resource is the
/// patient's chart). Roles decide the sections (<see cref="ChartSections"/>); for the clinical content a physician also
/// needs a reason to see this patient.
/// <list type="bullet">
/// <item>Clinical readers (Charts.Read) need a treatment relationship: a participant in one of the patient's encounters,
/// a member of one of their care teams, or an assignment recorded by HIM staff. Without one they may break the glass.</item>
/// <item>A restricted patient (VIP, employee) needs break-the-glass even with a relationship (the HIPAA minimum-necessary
/// standard, 45 CFR 164.514(d), applied where snooping is most likely).</item>
/// <item>HIM roles without clinical access see their role's sections for department work, with no relationship;
/// every such view is audited like any other and reviewed by privacy monitoring.</item>
/// </list>
/// </summary>
public static class ChartAccessRules
{
    public static ChartAccessDecision Decide(IReadOnlyCollection<string> roles, ChartAccessFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var sections = ChartSections.For(roles);
        if (sections.Count == 0)
        {
            return new(ChartAccessOutcome.Denied, null, sections, "role may not open charts");
        }

        if (!RolePermissions.Grants(roles, Permissions.ChartsRead))
        {
            return new(ChartAccessOutcome.Granted, ChartAccessBasis.Operations, sections, "department operations");
        }

        if (facts.BreakGlassId is { } grant)
        {
            return new(ChartAccessOutcome.Granted, ChartAccessBasis.BreakGlass, sections, "break-the-glass", grant, facts.BreakGlassUntil);
        }

        var mayBreakGlass = RolePermissions.Grants(roles, Permissions.ChartsBreakGlass);
        var withoutGlass = mayBreakGlass ? ChartAccessOutcome.BreakGlassRequired : ChartAccessOutcome.Denied;
        if (facts.IsRestricted)
        {
            return new(withoutGlass, null, FrozenSet<ChartSection>.Empty, "restricted record");
        }

        if (facts.TreatsInRecord)
        {
            return new(ChartAccessOutcome.Granted, ChartAccessBasis.TreatmentRelationship, sections, "treatment relationship");
        }

        return facts.IsAssigned
            ? new(ChartAccessOutcome.Granted, ChartAccessBasis.Assignment, sections, "treatment assignment")
            : new(withoutGlass, null, FrozenSet<ChartSection>.Empty, "no treatment relationship");
    }
}

/// <summary>Who the patient is: the chart header, shown with every part of the chart.</summary>
public sealed record PatientHeader(
    Guid Id,
    string? GivenNames,
    string? FamilyName,
    DateOnly? BirthDate,
    string? Sex,
    string? Mrn,
    bool Deceased,
    DateTimeOffset? DeceasedAt,
    string? AddressLine,
    string? City,
    string? State,
    string? PostalCode,
    string? Phone,
    bool IsRestricted)
{
    public string Name => $"{GivenNames} {FamilyName}".Trim() is { Length: > 0 } name ? name : "(no name recorded)";

    /// <summary>Age in whole years today, or at death.</summary>
    public int? AgeOn(DateOnly today)
    {
        if (BirthDate is not { } born)
        {
            return null;
        }

        var end = DeceasedAt is { } died ? DateOnly.FromDateTime(died.UtcDateTime) : today;
        var age = end.Year - born.Year;
        return end < born.AddYears(age) ? age - 1 : age;
    }
}

/// <summary>A chart as the current user may open it: who the patient is and what the rules decided.</summary>
public sealed record ChartEntry(PatientHeader Patient, ChartAccessDecision Access)
{
    /// <summary>The versions of the patient's record and of the shared data it refers to, read with the access facts.</summary>
    public ChartRecordVersion Version { get; init; }

    /// <summary>The same chart, refused: for a part of it the reader's role may not see although the chart opens for them.</summary>
    public ChartEntry Refuse(string reason) => this with { Access = Access with { Outcome = ChartAccessOutcome.Denied, Reason = reason } };
}

/// <summary>
/// The door every chart read goes through: reads the patient and the access facts for the current user in one query,
/// applies <see cref="ChartAccessRules"/>, and writes the audit row of the outcome (a view naming its sections, or a
/// denial) in the caller's transaction.
/// </summary>
public sealed class ChartGate(HimDbContext db, IAuditActorAccessor actors, AccessAudit audit, TimeProvider clock)
{
    /// <summary>
    /// One read of part of a chart, in one transaction: open the chart, refuse (audited) unless the reader may see every
    /// section in <paramref name="needs"/>, read, and audit the view of the sections the read says it showed. A read that
    /// finds nothing (an encounter of another patient) is "not found", and is not audited as a view.
    /// </summary>
    public Task<ChartRead<T>> ReadAsync<T>(
        Guid patientId,
        string resourceType,
        string? resourceId,
        IReadOnlyCollection<ChartSection> needs,
        Func<ChartEntry, CancellationToken, Task<(T? Content, IEnumerable<ChartSection> Shown)>> read,
        CancellationToken ct)
        where T : class =>
        db.InTransactionAsync(async token =>
        {
            var entry = await OpenAsync(patientId, token);
            if (entry is null)
            {
                return ChartRead<T>.NotFound();
            }

            if (!entry.Access.IsGranted || !needs.All(entry.Access.Shows))
            {
                var refused = entry.Access.IsGranted ? entry.Refuse($"role may not see {resourceType}") : entry;
                await RecordDenialAsync(refused, resourceType, resourceId, token);
                return ChartRead<T>.Refused(refused);
            }

            var (content, shown) = await read(entry, token);
            if (content is null)
            {
                return ChartRead<T>.NotFound(entry);
            }

            await RecordViewAsync(entry, resourceType, resourceId, shown, token);
            return ChartRead<T>.Shown(entry, content);
        }, ct);

    /// <summary>Null when there is no such patient.</summary>
    public async Task<ChartEntry?> OpenAsync(Guid patientId, CancellationToken ct)
    {
        var actor = actors.Current;
        var userId = actor.UserId ?? Guid.Empty;
        var now = clock.GetUtcNow();
        var clinical = RolePermissions.Grants(actor.Roles, Permissions.ChartsRead);
        // The signed-in physician's Practitioner records, by the NPI on their account.
        var practitioners = db.Set<Practitioner>()
            .Where(p => p.Npi != null && db.Users.Any(u => u.Id == userId && u.PractitionerNpi == p.Npi))
            .Select(p => p.Id);
        var row = await db.Set<Patient>().AsNoTracking()
            .Where(p => p.Id == patientId)
            .Select(p => new
            {
                Header = new PatientHeader(p.Id, p.GivenNames, p.FamilyName, p.BirthDate, p.Sex, p.Mrn, p.Deceased, p.DeceasedAt,
                    p.AddressLine, p.City, p.State, p.PostalCode, p.Phone,
                    db.PatientRestrictions.Any(r => r.PatientId == p.Id && (r.Vip || r.Employee))),
                Treats = clinical
                         && (db.Set<EncounterParticipant>().Any(e => e.PatientId == p.Id && practitioners.Contains(e.PractitionerId))
                             || db.Set<CareTeamMember>().Any(m => m.PatientId == p.Id && m.PractitionerId != null
                                                                   && practitioners.Contains(m.PractitionerId.Value))),
                Assigned = clinical && db.TreatmentAssignments.Any(a => a.PatientId == p.Id && a.UserId == userId
                                                                         && a.RevokedAt == null && (a.EndsAt == null || a.EndsAt > now)),
                RecordVersion = db.RecordVersions.Where(v => v.RecordId == p.Id).Select(v => (long?)v.Version).FirstOrDefault(),
                SharedVersion = db.RecordVersions.Where(v => v.RecordId == RecordVersion.Shared).Select(v => (long?)v.Version).FirstOrDefault(),
                Glass = db.BreakGlassAccesses
                    .Where(g => g.PatientId == p.Id && g.UserId == userId && g.ExpiresAt > now)
                    .OrderByDescending(g => g.ExpiresAt)
                    .Select(g => new { g.Id, g.ExpiresAt })
                    .FirstOrDefault(),
            })
            .SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        var facts = new ChartAccessFacts(row.Header.IsRestricted, row.Treats, row.Assigned, row.Glass?.Id, row.Glass?.ExpiresAt);
        return new ChartEntry(row.Header, ChartAccessRules.Decide(actor.Roles.ToList(), facts))
        {
            Version = new ChartRecordVersion(row.RecordVersion ?? 0, row.SharedVersion ?? 0),
        };
    }

    /// <summary>
    /// Like <see cref="ReadAsync{T}"/> for a read whose sections are known before it runs, and that sends its view's
    /// audit row in its own batch (<see cref="ViewAudit"/>), so that the read and the row cost one round trip.
    /// </summary>
    public Task<ChartRead<T>> ReadBatchedAsync<T>(
        Guid patientId,
        string resourceType,
        Func<ChartEntry, IEnumerable<ChartSection>> shown,
        Func<ChartEntry, ViewAudit, CancellationToken, Task<T>> read,
        CancellationToken ct)
        where T : class =>
        db.InTransactionAsync(async token =>
        {
            var entry = await OpenAsync(patientId, token);
            if (entry is null)
            {
                return ChartRead<T>.NotFound();
            }

            if (!entry.Access.IsGranted)
            {
                await RecordDenialAsync(entry, resourceType, null, token);
                return ChartRead<T>.Refused(entry);
            }

            var (row, command) = audit.Prepare(ViewRecord(entry, resourceType, null, shown(entry)));
            var view = new ViewAudit(row, command);
            var content = await read(entry, view, token);
            if (!view.IsWritten)
            {
                throw new InvalidOperationException($"The read of {resourceType} did not send the audit row of its view.");
            }

            return ChartRead<T>.Shown(entry, content);
        }, ct);

    /// <summary>Audits a view of <paramref name="shown"/>: the patient, what was shown, and on what basis.</summary>
    private Task<Data.Auditing.AccessEvent> RecordViewAsync(ChartEntry entry, string resourceType, string? resourceId, IEnumerable<ChartSection> shown, CancellationToken ct) =>
        audit.RecordAsync(ViewRecord(entry, resourceType, resourceId, shown), ct);

    private static AuditRecord ViewRecord(ChartEntry entry, string resourceType, string? resourceId, IEnumerable<ChartSection> shown)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var details = "sections=" + string.Join(',', shown.Order().Select(ChartSections.AuditName))
                      + "; basis=" + Kebab(entry.Access.Basis)
                      + (entry.Access.BreakGlassId is { } grant ? "; break-glass=" + grant.ToString("D") : "");
        return new AuditRecord(AuditAction.View, AuditOutcome.Success, resourceType, resourceId, entry.Patient.Id,
            Purpose: entry.Access.PurposeOfUse, Details: details);
    }

    /// <summary>Audits a refused attempt; the reason says why (no relationship, restricted record).</summary>
    private Task<Data.Auditing.AccessEvent> RecordDenialAsync(ChartEntry entry, string resourceType, string? resourceId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var offered = entry.Access.Outcome == ChartAccessOutcome.BreakGlassRequired ? "; break-the-glass offered" : "";
        return audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Denied, resourceType, resourceId, entry.Patient.Id,
            Purpose: entry.Access.Reason, Details: "outcome=" + Kebab<ChartAccessOutcome>(entry.Access.Outcome) + offered), ct);
    }

    private static string Kebab<T>(T? value)
        where T : struct, Enum =>
        value is null ? "none" : string.Concat(value.Value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

/// <summary>A record's version and the shared data's (<see cref="RecordVersion"/>); 0 before the first change counted.</summary>
public readonly record struct ChartRecordVersion(long Record, long Shared);

/// <summary>
/// The audit row of one chart view, to send as the last command of the read's own batch. The gate refuses to finish a
/// read whose row was not written, so a view can never go unaudited.
/// </summary>
public sealed class ViewAudit
{
    private readonly Data.Auditing.AccessEvent _row;

    internal ViewAudit(Data.Auditing.AccessEvent row, Npgsql.NpgsqlBatchCommand command)
    {
        _row = row;
        Command = command;
    }

    public Npgsql.NpgsqlBatchCommand Command { get; }

    public bool IsWritten { get; private set; }

    /// <summary>Sends the row on its own, in the current transaction: for a read that needed no query of its own.</summary>
    public async Task SendAloneAsync(HimDbContext db, CancellationToken ct)
    {
        await using var batch = GetChart.ChartBatch.NewBatch(db);
        batch.BatchCommands.Add(Command);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await ReadAsync(reader, ct);
    }

    /// <summary>Reads the command's result: the row's place in the hash chain.</summary>
    public async Task ReadAsync(System.Data.Common.DbDataReader reader, CancellationToken ct)
    {
        await AuditAppender.ReadLinkAsync(reader, _row, ct);
        IsWritten = true;
    }
}
