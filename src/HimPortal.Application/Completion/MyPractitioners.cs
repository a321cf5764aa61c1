using HimPortal.Data;
using HimPortal.Data.Clinical;

namespace HimPortal.Application.Completion;

/// <summary>The signed-in physician's Practitioner records: those with the NPI on their account (as the chart gate finds them).</summary>
public static class MyPractitioners
{
    public static IQueryable<Guid> Of(HimDbContext db, Guid userId)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<Practitioner>()
            .Where(p => p.Npi != null && db.Users.Any(u => u.Id == userId && u.PractitionerNpi == p.Npi))
            .Select(p => p.Id);
    }
}
