using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Patients;
using HimPortal.Application.Patients.Persons;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Records;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access;

/// <summary>A chart as the current user may open it: who the patient is and what the rules decided.</summary>
public sealed record ChartEntry(PatientHeader Patient, ChartAccessDecision Access)
{
    /// <summary>The versions of the patient's record and of the shared data it refers to, read with the access facts.</summary>
    public ChartRecordVersion Version { get; init; }

    /// <summary>
    /// In the portal, when the reader is the person's personal representative rather than the person: the grant, and
    /// whether care the minor consented to alone is hidden from them (45 CFR 164.502(g)(3)). Null for the person themselves.
    /// </summary>
    public PortalProxy? Proxy { get; init; }

    /// <summary>The same chart, refused: for a part of it the reader's role may not see although the chart opens for them.</summary>
    public ChartEntry Refuse(string reason) => this with { Access = Access with { Outcome = ChartAccessOutcome.Denied, Reason = reason } };
}

/// <summary>A personal representative's grant as the portal's reads need it (portal.proxy_grants).</summary>
public sealed record PortalProxy(Guid GrantId, string Relationship, bool HidesMinorConsentedCare);

/// <summary>
/// The door every chart read goes through: reads the patient and the access facts for the current user in one query,
/// applies <see cref="ChartAccessRules"/>, and writes the audit row of the outcome (a view naming its sections, or a
/// denial) in the caller's transaction.
/// </summary>
public sealed class ChartGate(HimDbContext db, IAuditActorAccessor actors, AccessAudit audit, TimeProvider clock, HospitalTime hospital)
{
    /// <summary>
    /// One read of part of a chart, in one transaction: open the chart, refuse (audited) unless the reader may see every
    /// section in <paramref name="needs"/>, read, and audit the view of the sections the read says it showed. A read that
    /// finds nothing (an encounter or a note of another patient under this patient's address) is "not found" to the
    /// reader and audited as a refused attempt naming the id asked for: probing ids is what a snooper does.
    /// </summary>
    public Task<ChartRead<T>> ReadAsync<T>(
        Guid patientId,
        string resourceType,
        string? resourceId,
        IReadOnlyCollection<ChartSection> needs,
        Func<ChartEntry, CancellationToken, Task<(T? Content, IEnumerable<ChartSection> Shown)>> read,
        CancellationToken ct)
        where T : class =>
        ReadAsync(patientId, AccessIntent.Care, resourceType, resourceId, needs, read, ct);

    /// <summary>As the overload without an intent, for <paramref name="intent"/>'s purpose (the portal reads as the patient themselves).</summary>
    public Task<ChartRead<T>> ReadAsync<T>(
        Guid patientId,
        AccessIntent intent,
        string resourceType,
        string? resourceId,
        IReadOnlyCollection<ChartSection> needs,
        Func<ChartEntry, CancellationToken, Task<(T? Content, IEnumerable<ChartSection> Shown)>> read,
        CancellationToken ct)
        where T : class =>
        db.InTransactionAsync(async token =>
        {
            var entry = await OpenAsync(patientId, intent, token);
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
                await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Denied, resourceType, resourceId, entry.Patient.Id,
                    Purpose: $"no such {resourceType} in this patient's record", Details: "outcome=not-found" + Person(entry)), token);
                return ChartRead<T>.NotFound(entry);
            }

            await RecordViewAsync(entry, resourceType, resourceId, shown, token);
            return ChartRead<T>.Shown(entry, content);
        }, ct);

    /// <summary>Opens a chart for care (treatment or department operations, as the reader's role decides). Null when there is no such patient.</summary>
    public Task<ChartEntry?> OpenAsync(Guid patientId, CancellationToken ct) => OpenAsync(patientId, AccessIntent.Care, ct);

    /// <summary>Opens a chart for <paramref name="intent"/>'s purpose (care, a disclosure, the patient's own). Null when there is no such patient.</summary>
    public async Task<ChartEntry?> OpenAsync(Guid patientId, AccessIntent intent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(intent);
        var actor = actors.Current;
        var self = intent.Purpose == AccessPurpose.PatientSelf;
        var userId = actor.UserId ?? Guid.Empty;
        var now = clock.GetUtcNow();
        // A representative's grant runs to the end of its last day in the hospital's time zone (a minor's 18th birthday).
        var today = hospital.DayOf(now);
        var clinical = RolePermissions.Grants(actor.Roles, Permissions.ChartsRead);
        // The signed-in physician's Practitioner records, by the NPI on their account.
        var practitioners = db.Set<Practitioner>()
            .Where(p => p.Npi != null && db.Users.Any(u => u.Id == userId && u.PractitionerNpi == p.Npi))
            .Select(p => p.Id);
        // The person's other records (ADR 0015): none when the record is linked to no other. Composed into the one query,
        // so that every fact below counts on any linked record: a relationship, assignment or break-the-glass grant on
        // one of them opens the person, and a restriction on any of them restricts the person.
        var linked = PersonRecords.Query(db, patientId);
        // The record itself and its person's others, as one set: "patient_id IN (…)" alone (never OR-ed with the record's
        // own id), so PostgreSQL joins it to each table's patient index as it did the plain equality.
        var person = db.Set<Patient>().Where(o => o.Id == patientId).Select(o => o.Id).Union(linked);
        var row = await db.Set<Patient>().AsNoTracking()
            .Where(p => p.Id == patientId)
            .Select(p => new
            {
                Header = new PatientHeader(p.Id, p.GivenNames, p.FamilyName, p.BirthDate, p.Sex, p.Mrn, p.Deceased, p.DeceasedAt,
                    p.AddressLine, p.City, p.State, p.PostalCode, p.Phone,
                    db.PatientRestrictions.Any(r => person.Contains(r.PatientId) && (r.Vip || r.Employee))),
                // Whether the record is linked at all; the records themselves are read only then (below), so an unlinked
                // record's one query gains no collection to shape.
                Linked = linked.Any(),
                // An encounter or care team a correction entered-in-error was another patient's: its practitioners
                // are no relationship with this one (ADR 0015). The one named in the audit is one whose source is
                // trusted or unknown (older than the record of sources) before one a person imported, so that a view is
                // laid to a fresh, self-made relationship only when there is no other (SelfMadeRelationshipRule).
                Encounter = db.Set<EncounterParticipant>()
                    .Where(e => clinical && person.Contains(e.PatientId) && practitioners.Contains(e.PractitionerId)
                                && !db.EnteredInError.Any(x => x.ResourceId == e.ParentId && x.ClearedAt == null))
                    .OrderBy(e => db.RelationshipSources.Any(s => s.ParentId == e.ParentId && s.PractitionerId == e.PractitionerId && !s.Trusted))
                    .ThenBy(e => e.ParentId)
                    .Select(e => new { e.ParentId, SelfMade = db.RelationshipSources.Any(s => s.ParentId == e.ParentId && s.PractitionerId == e.PractitionerId && !s.Trusted) })
                    .FirstOrDefault(),
                CareTeam = db.Set<CareTeamMember>()
                    .Where(m => clinical && person.Contains(m.PatientId) && m.PractitionerId != null
                                && practitioners.Contains(m.PractitionerId.Value)
                                && !db.EnteredInError.Any(x => x.ResourceId == m.ParentId && x.ClearedAt == null))
                    .OrderBy(m => db.RelationshipSources.Any(s => s.ParentId == m.ParentId && s.PractitionerId == m.PractitionerId && !s.Trusted))
                    .ThenBy(m => m.ParentId)
                    .Select(m => new { m.ParentId, SelfMade = db.RelationshipSources.Any(s => s.ParentId == m.ParentId && s.PractitionerId == m.PractitionerId && !s.Trusted) })
                    .FirstOrDefault(),
                Assignment = db.TreatmentAssignments.Where(a => clinical && person.Contains(a.PatientId) && a.UserId == userId
                                                    && a.RevokedAt == null && (a.EndsAt == null || a.EndsAt > now))
                    .OrderBy(a => a.AssignedAt)
                    .Select(a => (Guid?)a.Id)
                    .FirstOrDefault(),
                // The portal's own record is any record of the person: the account names one MRN, the person may hold more.
                OwnByMrn = self && db.Users.Any(u => u.Id == userId && u.PatientMrn != null
                                                     && db.Set<Patient>().Any(o => person.Contains(o.Id) && o.Mrn == u.PatientMrn)),
                // A personal representative's account reaches the person through a grant in force (45 CFR 164.502(g)).
                Proxy = db.ProxyGrants
                    .Where(g => self && g.RepresentativeUserId == userId && person.Contains(g.PatientId) && g.RevokedAt == null
                                && g.StartsOn <= today && (g.EndsOn == null || g.EndsOn >= today))
                    .OrderBy(g => g.CreatedAt)
                    .Select(g => new PortalProxy(g.Id, g.Relationship, g.HideMinorConsentedCare))
                    .FirstOrDefault(),
                // Linking and unlinking bump every record of the person, and any change to one record bumps that record:
                // the sum over the person's records (versions only grow) changes whenever any of them does.
                RecordVersion = db.RecordVersions.Where(v => person.Contains(v.RecordId)).Sum(v => (long?)v.Version),
                SharedVersion = db.RecordVersions.Where(v => v.RecordId == RecordVersion.Shared).Select(v => (long?)v.Version).FirstOrDefault(),
                Glass = db.BreakGlassAccesses
                    .Where(g => person.Contains(g.PatientId) && g.UserId == userId && g.ExpiresAt > now)
                    .OrderByDescending(g => g.ExpiresAt)
                    .Select(g => new { g.Id, g.ExpiresAt })
                    .FirstOrDefault(),
            })
            .SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        var relationship = Relationship(row.Encounter?.ParentId, row.Encounter?.SelfMade ?? true, row.CareTeam?.ParentId, row.CareTeam?.SelfMade ?? true);
        var facts = new ChartAccessFacts(row.Header.IsRestricted, relationship is not null, row.Assignment is not null, row.Glass?.Id, row.Glass?.ExpiresAt,
            row.OwnByMrn || row.Proxy is not null, relationship, row.Assignment is { } assignment ? "assignment=" + assignment.ToString("D") : null);
        var header = row.Header;
        if (row.Linked)
        {
            // A second, small query, for a linked record only: its person's records and their MRNs, this record first.
            var others = await db.Set<Patient>().AsNoTracking().Where(o => linked.Contains(o.Id) && o.Id != patientId).OrderBy(o => o.Id)
                .Select(o => new PersonRecord(o.Id, o.Mrn)).ToListAsync(ct);
            header = header with { Records = [new PersonRecord(header.Id, header.Mrn), .. others] };
        }

        return new ChartEntry(header, ChartAccessRules.Decide(actor.Roles.ToList(), facts, intent))
        {
            Version = new ChartRecordVersion(row.RecordVersion ?? 0, row.SharedVersion ?? 0),
            // The patient themselves is never their own proxy: a representative's grant matters only to someone else's account.
            Proxy = row.OwnByMrn ? null : row.Proxy,
        };
    }

    /// <summary>The encounter or care team the audit names: a trusted (or older) one before one a person imported.</summary>
    private static string? Relationship(Guid? encounter, bool encounterSelfMade, Guid? careTeam, bool careTeamSelfMade) =>
        (encounter, careTeam) switch
        {
            ({ }, { } c) when encounterSelfMade && !careTeamSelfMade => "care-team=" + c.ToString("D"),
            ({ } e, _) => "encounter=" + e.ToString("D"),
            (null, { } c) => "care-team=" + c.ToString("D"),
            _ => null,
        };

    /// <summary>
    /// Like the ReadAsync overloads for a read whose sections are known before it runs, and that sends its view's
    /// audit row in its own batch (<see cref="ViewAudit"/>), so that the read and the row cost one round trip.
    /// </summary>
    public Task<ChartRead<T>> ReadBatchedAsync<T>(
        Guid patientId,
        string resourceType,
        Func<ChartEntry, IEnumerable<ChartSection>> shown,
        Func<ChartEntry, ViewAudit, CancellationToken, Task<T>> read,
        CancellationToken ct)
        where T : class =>
        ReadBatchedAsync(patientId, AccessIntent.Care, resourceType, shown, read, ct);

    /// <summary>As the overload without an intent, for <paramref name="intent"/>'s purpose (the portal reads as the patient themselves).</summary>
    public Task<ChartRead<T>> ReadBatchedAsync<T>(
        Guid patientId,
        AccessIntent intent,
        string resourceType,
        Func<ChartEntry, IEnumerable<ChartSection>> shown,
        Func<ChartEntry, ViewAudit, CancellationToken, Task<T>> read,
        CancellationToken ct)
        where T : class =>
        db.InTransactionAsync(async token =>
        {
            var entry = await OpenAsync(patientId, intent, token);
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
    private Task<Data.Audit.AccessEvent> RecordViewAsync(ChartEntry entry, string resourceType, string? resourceId, IEnumerable<ChartSection> shown, CancellationToken ct) =>
        audit.RecordAsync(ViewRecord(entry, resourceType, resourceId, shown), ct);

    internal static AuditRecord ViewRecord(ChartEntry entry, string resourceType, string? resourceId, IEnumerable<ChartSection> shown)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var details = "sections=" + string.Join(',', shown.Order().Select(ChartSections.AuditName))
                      + "; basis=" + Kebab(entry.Access.Basis)
                      + (entry.Access.Via is { } via ? "; " + via : "")
                      + (entry.Access.BreakGlassId is { } grant ? "; break-glass=" + grant.ToString("D") : "")
                      + Portal(entry, resourceType)
                      + Person(entry);
        return new AuditRecord(AuditAction.View, AuditOutcome.Success, resourceType, resourceId, entry.Patient.Id,
            Purpose: entry.Access.PurposeOfUse, Details: details);
    }

    /// <summary>
    /// A portal read says so, and a representative's names their grant (45 CFR 164.502(g)): the patient's own list of who
    /// looked tells their own reads and their representative's apart.
    /// </summary>
    private static string Portal(ChartEntry entry, string resourceType) =>
        entry.Access.Basis != ChartAccessBasis.PatientSelf ? ""
            : "; portal." + resourceType.ToLowerInvariant() + (entry.Proxy is { } proxy ? "; proxy-grant=" + proxy.GrantId.ToString("D") : "");

    /// <summary>Audits a refused attempt; the reason says why (no relationship, restricted record).</summary>
    private Task<Data.Audit.AccessEvent> RecordDenialAsync(ChartEntry entry, string resourceType, string? resourceId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var offered = entry.Access.Outcome == ChartAccessOutcome.BreakGlassRequired ? "; break-the-glass offered" : "";
        return audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Denied, resourceType, resourceId, entry.Patient.Id,
            Purpose: entry.Access.Reason, Details: "outcome=" + Kebab<ChartAccessOutcome>(entry.Access.Outcome) + offered + Person(entry)), ct);
    }

    /// <summary>
    /// The person's records in an audit row's details when the record asked for is linked (ADR 0015): the row names the
    /// record asked for, and a review of any other record of the person can see that this view showed it too.
    /// </summary>
    internal static string Person(ChartEntry entry) =>
        entry.Patient.IsLinked ? "; person=" + string.Join(',', entry.Patient.Records.Select(r => r.Id.ToString("D"))) : "";

    private static string Kebab<T>(T? value)
        where T : struct, Enum =>
        value is null ? "none" : string.Concat(value.Value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

/// <summary>
/// A record's version and the shared data's (<see cref="RecordVersion"/>); 0 before the first change counted. For a
/// linked record <see cref="Record"/> is the sum of the versions of the person's records (ADR 0015): it grows whenever
/// any of them changes, and a link or an unlink bumps them all.
/// </summary>
public readonly record struct ChartRecordVersion(long Record, long Shared);

/// <summary>
/// The audit row of one chart view, to send as the last command of the read's own batch. The gate refuses to finish a
/// read whose row was not written, so a view can never go unaudited.
/// </summary>
public sealed class ViewAudit
{
    private readonly Data.Audit.AccessEvent _row;

    internal ViewAudit(Data.Audit.AccessEvent row, Npgsql.NpgsqlBatchCommand command)
    {
        _row = row;
        Command = command;
    }

    public Npgsql.NpgsqlBatchCommand Command { get; }

    public bool IsWritten { get; private set; }

    /// <summary>Sends the row on its own, in the current transaction: for a read that needed no query of its own.</summary>
    public async Task SendAloneAsync(HimDbContext db, CancellationToken ct)
    {
        await using var batch = db.NewBatch();
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
