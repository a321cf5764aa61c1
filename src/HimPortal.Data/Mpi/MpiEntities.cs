using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Mpi;

/// <summary>
/// What the matcher compares, one row per patient record, normalised once when the record is written so that blocking
/// is an index look-up and scoring reads no JSON (issue 16 item 1). Everything here is derived from the record
/// (<c>clinical.patients</c>, its identifiers and its FHIR JSON) and can be rebuilt from it at any time.
/// </summary>
public sealed class MatchKeys
{
    public Guid PatientId { get; set; }

    /// <summary>The first given name, lower case, accent-free, letters only ("mary-jo" → "maryjo").</summary>
    public string? Given { get; set; }

    /// <summary>The given name a nickname stands for ("bill" → "william", "peggy" → "margaret"); <see cref="Given"/> when none.</summary>
    public string? GivenCanonical { get; set; }

    /// <summary>Further given names (middle names), normalised, space-separated.</summary>
    public string? MiddleNames { get; set; }

    /// <summary>The family name, normalised, with hyphens and spaces removed ("garcia-lopez" → "garcialopez").</summary>
    public string? Family { get; set; }

    /// <summary>
    /// Every family name the person is known by, normalised: the parts of a hyphenated or two-part name, and the maiden and
    /// former names of the record's other HumanNames (use "maiden" or "old").
    /// </summary>
    public string[] FamilyNames { get; set; } = [];

    /// <summary>Double metaphone (primary) of <see cref="GivenCanonical"/>: the blocking key with the birth year.</summary>
    public string? GivenPhonetic { get; set; }

    /// <summary>Double metaphone (primary) of <see cref="Family"/>.</summary>
    public string? FamilyPhonetic { get; set; }

    public DateOnly? BirthDate { get; set; }

    /// <summary>FHIR administrative gender: male, female, other, unknown.</summary>
    public string? Sex { get; set; }

    /// <summary>The social security number, nine digits, when the record holds a full one.</summary>
    public string? Ssn { get; set; }

    /// <summary>Its last four digits (also when only those are known).</summary>
    public string? SsnLast4 { get; set; }

    /// <summary>The first phone number, ten digits (US), without a leading 1.</summary>
    public string? Phone { get; set; }

    /// <summary>The first e-mail address, lower case.</summary>
    public string? Email { get; set; }

    /// <summary>The street line normalised (USPS suffixes and directions abbreviated, punctuation removed).</summary>
    public string? Street { get; set; }

    public string? City { get; set; }

    /// <summary>The first five digits of the postal code.</summary>
    public string? PostalCode { get; set; }

    /// <summary>Identifiers issued by other facilities and agencies, as "system|value" (not this hospital's MRN, not the SSN).</summary>
    public string[] Identifiers { get; set; } = [];

    /// <summary>
    /// The record carries a temporary name (a newborn's "Baby Girl", an unidentified patient's "Unknown" or "Trauma"
    /// alias): never auto-linked, whatever the score.
    /// </summary>
    public bool TemporaryName { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>How many records carry a name: the frequency adjustment of the Fellegi–Sunter agreement weight.</summary>
public sealed class NameFrequency
{
    public const string FamilyKind = "family";
    public const string GivenKind = "given";

    /// <summary><see cref="FamilyKind"/> or <see cref="GivenKind"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>The normalised name (<see cref="MatchKeys.Family"/> or <see cref="MatchKeys.GivenCanonical"/>).</summary>
    public required string Value { get; set; }

    public int Records { get; set; }
}

/// <summary>Where a candidate pair stands. Stored as the constants' text.</summary>
public static class PairStatuses
{
    /// <summary>On the duplicate worklist, waiting for a reviewer.</summary>
    public const string Review = "review";

    /// <summary>A reviewer asked for research (charts to be pulled, the patient called): still on the worklist, marked.</summary>
    public const string Research = "research";

    /// <summary>One reviewer said "same person" for two records that both hold clinical data: waits for a second reviewer.</summary>
    public const string AwaitingSecond = "awaiting-second";

    /// <summary>The two records are linked as one person (by a reviewer or automatically).</summary>
    public const string Linked = "linked";

    /// <summary>"Not the same person": remembered, the pair is never proposed again.</summary>
    public const string NotDuplicate = "not-duplicate";

    /// <summary>Was linked, and a reviewer unlinked it (a false link): kept apart from then on like <see cref="NotDuplicate"/>.</summary>
    public const string Unlinked = "unlinked";

    public const string Check = "status IN ('review','research','awaiting-second','linked','not-duplicate','unlinked')";

    /// <summary>The statuses that keep a pair on the worklist.</summary>
    public static readonly IReadOnlyList<string> Open = [Review, Research, AwaitingSecond];
}

/// <summary>How a pair was found.</summary>
public static class PairSources
{
    /// <summary>A new record matched as it arrived (import, registration, portal activation).</summary>
    public const string Arrival = "arrival";

    /// <summary>A full scan of the index.</summary>
    public const string Scan = "scan";

    /// <summary>The import refused to re-key a resource to another patient (clinical.import_conflicts).</summary>
    public const string ImportConflict = "import-conflict";

    /// <summary>A person raised it by hand (from a chart or the indexing screen).</summary>
    public const string Manual = "manual";

    public const string Check = "source IN ('arrival','scan','import-conflict','manual')";
}

/// <summary>
/// Two patient records the matcher (or an import conflict, or a person) says may be one person: the duplicate worklist's
/// unit, and the memory of every decision about the pair. One row per unordered pair (<see cref="RecordA"/> sorts before
/// <see cref="RecordB"/>), so a "not the same person" stays decided however often the pair turns up again.
/// </summary>
public sealed class CandidatePair
{
    public long Id { get; set; }

    /// <summary>The record whose id sorts first (uuid order).</summary>
    public Guid RecordA { get; set; }

    public Guid RecordB { get; set; }

    /// <summary>The match probability, 0–1, from the total weight (what `mpi scan --json` prints as "score").</summary>
    public double Score { get; set; }

    /// <summary>The Fellegi–Sunter total weight (log2 of the likelihood ratio), summed over the fields.</summary>
    public double Weight { get; set; }

    /// <summary><see cref="PairStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary><see cref="PairSources"/>.</summary>
    public required string Source { get; set; }

    /// <summary>
    /// Why the pair is where it is, in a reviewer's words: "score between the thresholds", "both records hold clinical
    /// data", "birth dates disagree", "restricted record", "temporary name", "import conflict: …", or how it was decided.
    /// </summary>
    public required string Reason { get; set; }

    /// <summary>The field-by-field comparison as JSON (jsonb): an array of <c>FieldComparison</c> (Application/Patients/Matching).</summary>
    public required string Explanation { get; set; }

    public DateTimeOffset FoundAt { get; set; }

    /// <summary>When the pair was last scored (a scan or an arrival scores it again while it is open).</summary>
    public DateTimeOffset ScoredAt { get; set; }

    /// <summary>The first reviewer's "same person" while a second reviewer is awaited.</summary>
    public Guid? FirstReviewerUserId { get; set; }

    public DateTimeOffset? FirstReviewedAt { get; set; }

    /// <summary>Who made the last decision (null for the matcher's own auto-link).</summary>
    public Guid? DecidedByUserId { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? DecisionNote { get; set; }

    /// <summary>The import conflict that raised the pair, when it came from one.</summary>
    public long? ImportConflictId { get; set; }

    /// <summary>Optimistic concurrency: PostgreSQL's xmin.</summary>
    public uint Version { get; set; }
}

/// <summary>What a decision on a pair was. Stored as the constants' text.</summary>
public static class PairDecisions
{
    public const string SamePerson = "same-person";
    public const string NotSamePerson = "not-same-person";
    public const string NeedsResearch = "needs-research";

    /// <summary>The first of two reviewers said "same person".</summary>
    public const string FirstReview = "first-review";

    /// <summary>The matcher linked the pair at or above the auto-link threshold.</summary>
    public const string AutoLinked = "auto-linked";

    public const string Unlinked = "unlinked";

    public const string Check = "decision IN ('same-person','not-same-person','needs-research','first-review','auto-linked','unlinked')";
}

/// <summary>
/// Every decision on a pair, append-only (PostgreSQL refuses updates and deletes): who decided what, when and why. The
/// manager's figures (links and unlinks per month, false-link rate) count these rows.
/// </summary>
public sealed class PairDecision
{
    public long Id { get; set; }

    public long PairId { get; set; }

    /// <summary><see cref="PairDecisions"/>.</summary>
    public required string Decision { get; set; }

    /// <summary>Null for the matcher (auto-link).</summary>
    public Guid? UserId { get; set; }

    public DateTimeOffset DecidedAt { get; set; }

    public double Score { get; set; }

    public string? Note { get; set; }
}

/// <summary>
/// A patient record's membership of a person (ADR 0015): the records of one person are linked, never merged. Written
/// only by the clinical-record writer (<c>ClinicalRecordWriter.LinkAsync</c>/<c>UnlinkAsync</c>). A record is in at most
/// one person at a time; an unlink is a timestamp and a reason, never a delete (PostgreSQL refuses deletes). A record in
/// no live link is a person of its own.
/// </summary>
public sealed class PersonLink
{
    public long Id { get; set; }

    /// <summary>The person: a new id when the first two records are linked, kept as records join and leave.</summary>
    public Guid PersonId { get; set; }

    public Guid PatientId { get; set; }

    /// <summary>The pair whose decision made the link (null when a record joined with another pair's person).</summary>
    public long? PairId { get; set; }

    public DateTimeOffset LinkedAt { get; set; }

    /// <summary>Null when the matcher auto-linked.</summary>
    public Guid? LinkedByUserId { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset? UnlinkedAt { get; set; }

    public Guid? UnlinkedByUserId { get; set; }

    public string? UnlinkReason { get; set; }
}

/// <summary>
/// The matcher's settings, one row (id 1), changed by HIM managers: the thresholds, whether auto-linking is on, whether a
/// link of two records that both hold clinical data needs a second reviewer, and the per-field weights.
/// </summary>
public sealed class MatchSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public bool AutoLinkEnabled { get; set; }

    /// <summary>At or above: linked (when auto-linking is on and nothing forbids it). A match probability, 0–1.</summary>
    public double AutoLinkThreshold { get; set; }

    /// <summary>At or above (and below auto-link): the worklist. Below: a new person.</summary>
    public double ReviewThreshold { get; set; }

    public bool SecondReviewerForClinicalData { get; set; }

    /// <summary>The per-field m and u probabilities as JSON (jsonb): Application/Patients/Matching's <c>MatchWeights</c>.</summary>
    public required string Weights { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? UpdatedByUserId { get; set; }

    public uint Version { get; set; }
}

/// <summary>One full scan of the index (a job or `himportal mpi scan`): what it compared and found, for the manager's page.</summary>
public sealed class ScanRun
{
    public long Id { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int Patients { get; set; }

    /// <summary>Pairs scored (what blocking let through).</summary>
    public long Compared { get; set; }

    public int Linked { get; set; }

    public int Review { get; set; }

    public Guid? JobId { get; set; }
}

internal sealed class MatchKeysConfiguration : IEntityTypeConfiguration<MatchKeys>
{
    public void Configure(EntityTypeBuilder<MatchKeys> builder)
    {
        builder.ToTable("match_keys", Schemas.Mpi);
        builder.HasKey(k => k.PatientId);
        builder.HasOne<Patient>().WithOne().HasForeignKey<MatchKeys>(k => k.PatientId).OnDelete(DeleteBehavior.Restrict);
        foreach (var property in new[] { nameof(MatchKeys.Given), nameof(MatchKeys.GivenCanonical), nameof(MatchKeys.Family), nameof(MatchKeys.City) })
        {
            builder.Property(property).HasMaxLength(100);
        }

        builder.Property(k => k.MiddleNames).HasMaxLength(200);
        builder.Property(k => k.GivenPhonetic).HasMaxLength(8);
        builder.Property(k => k.FamilyPhonetic).HasMaxLength(8);
        builder.Property(k => k.Sex).HasMaxLength(16);
        builder.Property(k => k.Ssn).HasMaxLength(9);
        builder.Property(k => k.SsnLast4).HasMaxLength(4);
        builder.Property(k => k.Phone).HasMaxLength(10);
        builder.Property(k => k.Email).HasMaxLength(254);
        builder.Property(k => k.Street).HasMaxLength(200);
        builder.Property(k => k.PostalCode).HasMaxLength(5);
        // Blocking keys (issue 16 item 1): each block is one index look-up, so matching never compares every pair.
        builder.HasIndex(k => new { k.FamilyPhonetic, k.BirthDate });
        builder.HasIndex(k => new { k.GivenPhonetic, k.BirthDate });
        builder.HasIndex(k => k.Ssn).HasFilter("ssn IS NOT NULL");
        builder.HasIndex(k => k.Phone).HasFilter("phone IS NOT NULL");
        builder.HasIndex(k => k.Email).HasFilter("email IS NOT NULL");
        builder.HasIndex(k => k.Identifiers).HasMethod("gin");
        builder.HasIndex(k => k.FamilyNames).HasMethod("gin");
    }
}

internal sealed class NameFrequencyConfiguration : IEntityTypeConfiguration<NameFrequency>
{
    public void Configure(EntityTypeBuilder<NameFrequency> builder)
    {
        builder.ToTable("name_frequencies", Schemas.Mpi, t => t.HasCheckConstraint("ck_name_frequencies_kind", "kind IN ('family','given')"));
        builder.HasKey(f => new { f.Kind, f.Value });
        builder.Property(f => f.Kind).HasMaxLength(8);
        builder.Property(f => f.Value).HasMaxLength(100);
    }
}

internal sealed class CandidatePairConfiguration : IEntityTypeConfiguration<CandidatePair>
{
    public void Configure(EntityTypeBuilder<CandidatePair> builder)
    {
        builder.ToTable("candidate_pairs", Schemas.Mpi, t =>
        {
            t.HasCheckConstraint("ck_candidate_pairs_order", "record_a < record_b");
            t.HasCheckConstraint("ck_candidate_pairs_status", PairStatuses.Check);
            t.HasCheckConstraint("ck_candidate_pairs_source", PairSources.Check);
        });
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => new { p.RecordA, p.RecordB }).IsUnique();
        builder.HasIndex(p => p.RecordB);
        // The worklist: open pairs, oldest first (keyset on found_at, id).
        builder.HasIndex(p => new { p.Status, p.FoundAt, p.Id });
        builder.HasOne<Patient>().WithMany().HasForeignKey(p => p.RecordA).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Patient>().WithMany().HasForeignKey(p => p.RecordB).OnDelete(DeleteBehavior.Restrict);
        builder.Property(p => p.Status).HasMaxLength(16);
        builder.Property(p => p.Source).HasMaxLength(16);
        builder.Property(p => p.Reason).HasMaxLength(400);
        builder.Property(p => p.Explanation).HasColumnType("jsonb");
        builder.Property(p => p.DecisionNote).HasMaxLength(2000);
        builder.Property(p => p.Version).IsRowVersion();
    }
}

internal sealed class PairDecisionConfiguration : IEntityTypeConfiguration<PairDecision>
{
    public void Configure(EntityTypeBuilder<PairDecision> builder)
    {
        builder.ToTable("pair_decisions", Schemas.Mpi, t => t.HasCheckConstraint("ck_pair_decisions_decision", PairDecisions.Check));
        builder.HasKey(d => d.Id);
        builder.HasIndex(d => new { d.PairId, d.Id });
        builder.HasIndex(d => d.DecidedAt);
        builder.HasOne<CandidatePair>().WithMany().HasForeignKey(d => d.PairId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(d => d.Decision).HasMaxLength(20);
        builder.Property(d => d.Note).HasMaxLength(2000);
    }
}

internal sealed class PersonLinkConfiguration : IEntityTypeConfiguration<PersonLink>
{
    public void Configure(EntityTypeBuilder<PersonLink> builder)
    {
        builder.ToTable("person_links", Schemas.Mpi);
        builder.HasKey(l => l.Id);
        // A record belongs to at most one person at a time.
        builder.HasIndex(l => l.PatientId).IsUnique().HasFilter("unlinked_at IS NULL").HasDatabaseName("ux_person_links_live_patient");
        builder.HasIndex(l => l.PatientId);
        builder.HasIndex(l => l.PersonId).HasFilter("unlinked_at IS NULL");
        builder.HasOne<Patient>().WithMany().HasForeignKey(l => l.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<CandidatePair>().WithMany().HasForeignKey(l => l.PairId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(l => l.Reason).HasMaxLength(400);
        builder.Property(l => l.UnlinkReason).HasMaxLength(2000);
    }
}

internal sealed class MatchSettingsConfiguration : IEntityTypeConfiguration<MatchSettings>
{
    public void Configure(EntityTypeBuilder<MatchSettings> builder)
    {
        builder.ToTable("match_settings", Schemas.Mpi, t =>
        {
            t.HasCheckConstraint("ck_match_settings_singleton", "id = 1");
            t.HasCheckConstraint("ck_match_settings_thresholds", "review_threshold > 0 AND review_threshold <= auto_link_threshold AND auto_link_threshold <= 1");
        });
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Weights).HasColumnType("jsonb");
        builder.Property(s => s.Version).IsRowVersion();
    }
}

internal sealed class ScanRunConfiguration : IEntityTypeConfiguration<ScanRun>
{
    public void Configure(EntityTypeBuilder<ScanRun> builder)
    {
        builder.ToTable("scan_runs", Schemas.Mpi);
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => r.StartedAt);
    }
}
