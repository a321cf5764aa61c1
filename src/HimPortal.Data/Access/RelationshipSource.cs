using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Access;

/// <summary>
/// Where a treatment relationship in the clinical record came from: the first import that named a practitioner as a
/// participant of an encounter or a member of a care team (the bundle, the feed or upload it came through, who ran the
/// import, when). A relationship someone typed into a bundle minutes before using it is how a user makes their own
/// access (issue 14): privacy monitoring compares this row with the chart views made on it. Kept apart from the clinical
/// record, and append-only (the SelfMadeAccess migration's triggers): the evidence must outlive a re-import.
/// </summary>
public sealed class RelationshipSource
{
    public Guid Id { get; set; }

    /// <summary>The encounter or care team (its clinical record id) that gives the relationship.</summary>
    public Guid ParentId { get; set; }

    /// <summary><see cref="Encounter"/> or <see cref="CareTeam"/>.</summary>
    public required string Kind { get; set; }

    public Guid PractitionerId { get; set; }

    public Guid PatientId { get; set; }

    /// <summary>The bundle's file name.</summary>
    public required string Bundle { get; set; }

    /// <summary>How the bundle came in: "folder:&lt;name&gt;" (a configured server folder), "upload:&lt;id&gt;", or "console".</summary>
    public required string Feed { get; set; }

    /// <summary>The feed is listed in Access:TrustedFeeds: a system interface, not a person, made the relationship.</summary>
    public bool Trusted { get; set; }

    /// <summary>Who ran the import (null for the console and the scheduler).</summary>
    public Guid? RecordedByUserId { get; set; }

    public string? RecordedBy { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public const string Encounter = "encounter";

    public const string CareTeam = "care-team";
}

internal sealed class RelationshipSourceConfiguration : IEntityTypeConfiguration<RelationshipSource>
{
    public void Configure(EntityTypeBuilder<RelationshipSource> builder)
    {
        builder.ToTable("relationship_sources", Schemas.Access, t =>
            t.HasCheckConstraint("ck_relationship_sources_kind", "kind IN ('encounter','care-team')"));
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Kind).HasMaxLength(20);
        builder.Property(e => e.Bundle).HasMaxLength(260);
        builder.Property(e => e.Feed).HasMaxLength(200);
        builder.Property(e => e.RecordedBy).HasMaxLength(256);
        // The first source of a relationship is kept; a re-import or another bundle naming it again adds nothing.
        builder.HasIndex(e => new { e.ParentId, e.PractitionerId }).IsUnique();
        builder.HasIndex(e => e.PatientId);
    }
}

/// <summary>
/// The SelfMadeAccess migration's hand-written SQL, kept beside the entity so the migration can be regenerated at a merge
/// by re-adding two calls: relationship sources are evidence for privacy alerts, so rows are only ever added (ENABLE
/// ALWAYS, as the audit's and the history's guards).
/// </summary>
public static class RelationshipSourceSql
{
    public const string Guards = """
        CREATE FUNCTION access.relationship_sources_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'access.relationship_sources is evidence: rows are only added (%)', TG_OP;
        END
        $$;
        CREATE TRIGGER relationship_sources_append_only BEFORE UPDATE OR DELETE ON access.relationship_sources
            FOR EACH ROW EXECUTE FUNCTION access.relationship_sources_append_only();
        CREATE TRIGGER relationship_sources_no_truncate BEFORE TRUNCATE ON access.relationship_sources
            FOR EACH STATEMENT EXECUTE FUNCTION access.relationship_sources_append_only();
        ALTER TABLE access.relationship_sources ENABLE ALWAYS TRIGGER relationship_sources_append_only;
        ALTER TABLE access.relationship_sources ENABLE ALWAYS TRIGGER relationship_sources_no_truncate;
        """;

    public const string DropGuards = """
        DROP TRIGGER IF EXISTS relationship_sources_append_only ON access.relationship_sources;
        DROP TRIGGER IF EXISTS relationship_sources_no_truncate ON access.relationship_sources;
        DROP FUNCTION IF EXISTS access.relationship_sources_append_only();
        """;
}
