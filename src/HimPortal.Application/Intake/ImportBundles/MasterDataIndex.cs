using System.Collections.Concurrent;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

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

    public static async Task<MasterDataIndex> LoadAsync(HimDbContext db, CancellationToken ct)
    {
        var index = new MasterDataIndex();
        foreach (var p in await db.Set<Data.Clinical.Practitioner>().AsNoTracking().Where(p => p.Npi != null).Select(p => new { p.Id, p.Npi }).ToListAsync(ct))
        {
            index.Add("Practitioner", NpiSystem, p.Npi!, p.Id);
        }

        foreach (var o in await db.Set<Data.Clinical.Organization>().AsNoTracking().Where(o => o.IdentifierValue != null)
                     .Select(o => new { o.Id, o.IdentifierSystem, o.IdentifierValue }).ToListAsync(ct))
        {
            index.Add("Organization", o.IdentifierSystem ?? "", o.IdentifierValue!, o.Id);
        }

        foreach (var l in await db.Set<Data.Clinical.Location>().AsNoTracking().Where(l => l.IdentifierValue != null)
                     .Select(l => new { l.Id, l.IdentifierSystem, l.IdentifierValue }).ToListAsync(ct))
        {
            index.Add("Location", l.IdentifierSystem ?? "", l.IdentifierValue!, l.Id);
        }

        return index;
    }

    public void Add(string type, string system, string value, Guid key) => _keys[(type, system, value)] = key;

    public Guid? Find(string type, string system, string value) =>
        _keys.TryGetValue((type, system, value), out var key) ? key : null;
}
