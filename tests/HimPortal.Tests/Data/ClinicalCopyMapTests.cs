using System.Text;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace HimPortal.Tests.Data;

/// <summary>
/// The import writes the clinical tables through <c>ClinicalCopyMap</c>, so that it starts without building the EF Core
/// model. The map is generated from that model here: when an entity or its configuration changes, this test fails until
/// the map is regenerated (HIMPORTAL_REGENERATE_COPY_MAP=1 bash scripts/test.sh --filter ClinicalCopyMap).
/// </summary>
public sealed class ClinicalCopyMapTests
{
    private const string MapPath = "src/HimPortal.Data/Bulk/ClinicalCopyMap.cs";

    [Fact]
    public void The_copy_map_is_what_the_EF_model_generates()
    {
        var expected = Generate(Model());
        var path = Path.Combine(RepositoryRoot(), MapPath);
        if (Environment.GetEnvironmentVariable("HIMPORTAL_REGENERATE_COPY_MAP") == "1")
        {
            File.WriteAllText(path, expected);
        }

        File.ReadAllText(path).ShouldBe(expected,
            $"{MapPath} is out of date with the EF model: regenerate it with HIMPORTAL_REGENERATE_COPY_MAP=1 bash scripts/test.sh --filter ClinicalCopyMap");
    }

    private static IModel Model()
    {
        var options = DataServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<HimDbContext>(), "Host=localhost");
        using var db = new HimDbContext((DbContextOptions<HimDbContext>)options.Options);
        return db.Model;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "HimPortal.sln")))
                return folder.FullName;
        }

        throw new DirectoryNotFoundException($"No HimPortal.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>C# for every table of the clinical entities: columns in the model's order, each with a typed writer.</summary>
    private static string Generate(IModel model)
    {
        var text = new StringBuilder();
        text.Append("""
            using HimPortal.Data.Clinical;

            namespace HimPortal.Data.Bulk;

            /// <summary>
            /// The clinical tables as the import's binary COPY writes them. Generated from the EF Core model by
            /// tests/HimPortal.Tests/Data/ClinicalCopyMapTests.cs (which fails when the model changes; regenerate with
            /// HIMPORTAL_REGENERATE_COPY_MAP=1 bash scripts/test.sh --filter ClinicalCopyMap): the import then starts without
            /// building the model, which costs more than importing a small bundle. Do not edit by hand.
            /// </summary>
            public static class ClinicalCopyMap
            {
            """).Append('\n');
        var entities = model.GetEntityTypes()
            .Where(e => e.ClrType.Namespace == typeof(Patient).Namespace && !e.ClrType.IsAbstract)
            .OrderBy(e => e.GetTableName(), StringComparer.Ordinal)
            .ToList();
        for (var n = 0; n < entities.Count; n++)
        {
            var entity = entities[n];
            var table = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            text.Append(n == 0 ? "" : "\n")
                .Append($"    public static readonly CopyTable<{entity.ClrType.Name}> {Pascal(table)} = new(\"{entity.GetSchema()}\", \"{table}\",\n")
                .Append("    [\n");
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store)!;
                // A resource's JSON goes as the UTF-8 bytes the import read, never decoded into a string.
                var encode = property.Name == nameof(ClinicalResource.Resource) && property.DeclaringType.ClrType.IsAssignableTo(typeof(ClinicalResource))
                    ? "w.Resource(r)"
                    : $"w.{Encoder(property.GetColumnType(store))}(r.{property.Name})";
                text.Append($"        new(\"{column}\", static (w, r) => {encode}),\n");
            }

            text.Append("    ]);\n");
        }

        return text.Append("}\n").ToString();
    }

    private static string Pascal(string snake) =>
        string.Concat(snake.Split('_').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    /// <summary>The <c>CopyBuffer</c> method that encodes a column of this store type (nullable or not: it has both overloads).</summary>
    private static string Encoder(string storeType) => storeType switch
    {
        "uuid" => "Uuid",
        "text" => "Text",
        "jsonb" => "Jsonb",
        "bytea" => "Bytea",
        "boolean" => "Bool",
        "smallint" => "Int2",
        "integer" => "Int4",
        "date" => "Date",
        "timestamp with time zone" => "TimestampTz",
        "text[]" => "TextArray",
        _ when storeType.StartsWith("character varying", StringComparison.Ordinal) => "Text",
        _ when storeType.StartsWith("numeric", StringComparison.Ordinal) => "Numeric",
        _ => throw new NotSupportedException($"No binary COPY encoder for the store type '{storeType}': add one to CopyBuffer and here."),
    };
}
