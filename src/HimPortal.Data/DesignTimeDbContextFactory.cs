using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace HimPortal.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without a running host or database.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<HimDbContext>
{
    public HimDbContext CreateDbContext(string[] args)
    {
        var connection = Environment.GetEnvironmentVariable("ConnectionStrings__HimPortalAdmin")
            ?? "Host=localhost;Database=himportal_design;Username=himportal";
        var options = DataServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<HimDbContext>(), connection);
        return new HimDbContext((DbContextOptions<HimDbContext>)options.Options);
    }
}
