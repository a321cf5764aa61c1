using System.Collections.Concurrent;
using HimPortal.Data.Bulk;
using Npgsql;

namespace HimPortal.Application.Intake.ImportBundles;

/// <summary>
/// Identifiers of the stored practitioners, organizations and locations, loaded once per import run (a hospital has
/// thousands, not millions) and extended by every master-data bundle the run imports, so conditional references
/// resolve without a query per reference.
/// </summary>
internal sealed class MasterDataIndex
{
    public const string NpiSystem = "http://hl7.org/fhir/sid/us-npi";

    private readonly ConcurrentDictionary<(string Type, string System, string Value), Guid> _keys = new();

    /// <summary>One plain query on the import's own connection (the EF model is not built on the import's path).</summary>
    public static async Task<MasterDataIndex> LoadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var index = new MasterDataIndex();
        await using var query = new NpgsqlCommand($"""
            SELECT 'Practitioner', $1, npi, id FROM {ClinicalCopyMap.Practitioners.Qualified} WHERE npi IS NOT NULL
            UNION ALL
            SELECT 'Organization', coalesce(identifier_system, ''), identifier_value, id
            FROM {ClinicalCopyMap.Organizations.Qualified} WHERE identifier_value IS NOT NULL
            UNION ALL
            SELECT 'Location', coalesce(identifier_system, ''), identifier_value, id
            FROM {ClinicalCopyMap.Locations.Qualified} WHERE identifier_value IS NOT NULL
            """, connection);
        query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NpiSystem });
        await using var reader = await query.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            index.Add(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetGuid(3));
        }

        return index;
    }

    public void Add(string type, string system, string value, Guid key) => _keys[(type, system, value)] = key;

    public Guid? Find(string type, string system, string value) =>
        _keys.TryGetValue((type, system, value), out var key) ? key : null;
}
