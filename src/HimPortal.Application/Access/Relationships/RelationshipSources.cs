using HimPortal.Application.Audit;
using Npgsql;

namespace HimPortal.Application.Access.Relationships;

/// <summary>One imported bundle's encounters and care teams, and how the bundle came in.</summary>
/// <param name="Parents">The clinical record ids of the bundle's encounters and care teams.</param>
public sealed record ImportedRelationships(string Bundle, IReadOnlyCollection<Guid> Parents);

/// <summary>
/// Records where the treatment relationships an import brought came from (<see cref="Data.Access.RelationshipSource"/>):
/// for every practitioner the bundle names in an encounter or a care team, the bundle, the feed, who ran the import and
/// when, in the import's own transaction. Only the first source of a relationship is kept: re-importing a bundle, or a
/// later bundle naming the same encounter, cannot make an old relationship look new (nor a new one look old). A feed
/// listed in <c>Access:TrustedFeeds</c> (a system interface's drop folder) is marked trusted; anything a person brought
/// in (an upload, the console, an untrusted folder) is what privacy monitoring watches (SelfMadeRelationshipRule).
/// </summary>
public static class RelationshipSources
{
    /// <summary>Whether <paramref name="feed"/> is one of the configured trusted feeds.</summary>
    public static bool IsTrusted(AccessOptions options, string feed)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.TrustedFeeds.Any(f => string.Equals("folder:" + f, feed, StringComparison.Ordinal));
    }

    /// <summary>One statement for all the bundles of a write: what they name and nobody recorded before.</summary>
    public static async Task RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ImportedRelationships> bundles, string feed, bool trusted,
        AuditActor actor, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(bundles);
        ArgumentNullException.ThrowIfNull(actor);
        var parents = bundles.SelectMany(b => b.Parents).ToArray();
        if (parents.Length == 0)
        {
            return;
        }

        var names = bundles.SelectMany(b => b.Parents.Select(_ => Clip(Path.GetFileName(b.Bundle), 260))).ToArray();
        await using var command = new NpgsqlCommand("""
            WITH bundle AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS b(parent_id, name)),
            named AS (
                SELECT p.parent_id, 'encounter' AS kind, p.practitioner_id, p.patient_id, b.name
                FROM clinical.encounter_participants p JOIN bundle b ON b.parent_id = p.parent_id
                UNION ALL
                SELECT m.parent_id, 'care-team', m.practitioner_id, m.patient_id, b.name
                FROM clinical.care_team_members m JOIN bundle b ON b.parent_id = m.parent_id
                WHERE m.practitioner_id IS NOT NULL
            )
            INSERT INTO access.relationship_sources (id, parent_id, kind, practitioner_id, patient_id, bundle, feed, trusted,
                                                     recorded_by_user_id, recorded_by, recorded_at)
            SELECT DISTINCT ON (n.parent_id, n.practitioner_id) gen_random_uuid(), n.parent_id, n.kind, n.practitioner_id, n.patient_id,
                   n.name, $3, $4, $5, $6, $7
            FROM named n
            ORDER BY n.parent_id, n.practitioner_id
            ON CONFLICT (parent_id, practitioner_id) DO NOTHING
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = parents });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Clip(feed, 200) });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = trusted });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)actor.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)(actor.UserName is { } n ? Clip(n, 256) : null) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string Clip(string value, int length) => value.Length > length ? value[..length] : value;
}
