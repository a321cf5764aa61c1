using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Records;

/// <summary>
/// How many times a patient's clinical record has changed: every command that changes a record bumps its row in the same
/// transaction (<c>RecordVersions.BumpSql</c>), so a reader that sees the same version knows it would read the same
/// record. The row with <see cref="Shared"/> as its key counts changes to what every record refers to (organizations,
/// locations, practitioners, medications). The chart keeps what it has read under these versions (docs/adr/0011).
/// </summary>
public sealed class RecordVersion
{
    /// <summary>The key of the shared (master) data's version.</summary>
    public static readonly Guid Shared = Guid.Empty;

    public Guid RecordId { get; set; }

    public long Version { get; set; }

    public DateTimeOffset ChangedAt { get; set; }
}

internal sealed class RecordVersionConfiguration : IEntityTypeConfiguration<RecordVersion>
{
    public void Configure(EntityTypeBuilder<RecordVersion> builder)
    {
        builder.ToTable("record_versions", Schemas.Clinical);
        builder.HasKey(e => e.RecordId);
        builder.Property(e => e.RecordId).ValueGeneratedNever();
    }
}

/// <summary>The one statement that records a change: bump (or start at 1) the versions of the given records.</summary>
public static class RecordVersions
{
    /// <summary>$1: uuid[] of the records changed (patients' ids, <see cref="RecordVersion.Shared"/>), sorted so concurrent writers lock in one order.</summary>
    public const string BumpSql = """
        INSERT INTO clinical.record_versions AS v (record_id, version, changed_at)
        SELECT id, 1, now() FROM unnest($1::uuid[]) AS ids(id) ORDER BY id
        ON CONFLICT (record_id) DO UPDATE SET version = v.version + 1, changed_at = excluded.changed_at
        """;
}
