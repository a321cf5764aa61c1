using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Tests.Data;

/// <summary>
/// The EF Core model and the migrations agree: a change to an entity or its configuration without its migration fails
/// here (as `dotnet ef migrations has-pending-model-changes` would, which .ci/run also runs).
/// </summary>
public sealed class ModelChangesTests
{
    [Fact]
    public void The_model_has_no_changes_the_migrations_lack()
    {
        var options = DataServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<HimDbContext>(), "Host=localhost;Database=unused");
        using var db = new HimDbContext((DbContextOptions<HimDbContext>)options.Options);
        db.Database.HasPendingModelChanges().ShouldBeFalse("run `dotnet ef migrations add <Name> -p src/HimPortal.Data -s src/HimPortal.Data`");
    }
}
