using System.Reflection;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using Mono.Cecil;
using Mono.Cecil.Cil;
using NetArchTest.Rules;

namespace HimPortal.Tests.Architecture;

/// <summary>
/// The rules that keep the codebase's shape (ADR 0013). Each takes the types it judges and returns what breaks the rule,
/// so the same rule runs on the product (<see cref="ArchitectureTests"/>: nothing may break it) and on deliberately
/// broken examples (<see cref="ArchitectureRuleTests"/>: the rule must catch them).
/// </summary>
public static partial class ArchitectureRules
{
    /// <summary>The workflows: each may use the shared core, never another workflow.</summary>
    public static readonly string[] Workflows =
        ["Accounts", "Administration", "Charts", "Compliance", "Intake", "Documents", "Mpi", "Completion", "Roi", "Portal"];

    /// <summary>The shared core every workflow stands on; it never depends on a workflow.</summary>
    public static readonly string[] Core = ["Access", "Audit", "Clinical", "Common", "Jobs", "Patients"];

    /// <summary>Handlers that declare no permission, or that handle requests without the checked base class.</summary>
    public static IReadOnlyList<string> HandlersWithoutDeclaredPermission(IEnumerable<Type> types)
    {
        var failures = new List<string>();
        foreach (var type in types.Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            var checkedHandler = DerivesFrom(type, typeof(Handler<,>));
            if (checkedHandler && PermissionCheck.DeclaredBy(type) is null)
            {
                failures.Add($"{type.FullName}: declares no [RequiresPermission]");
            }
            else if (!checkedHandler && type.Name.EndsWith("Handler", StringComparison.Ordinal)
                     && type.GetMethod("HandleAsync", BindingFlags.Public | BindingFlags.Instance) is not null
                     // ASP.NET Core's own authorization handlers are the framework's, not use cases.
                     && !type.GetInterfaces().Any(i => i.Namespace?.StartsWith("Microsoft.AspNetCore.Authorization", StringComparison.Ordinal) == true))
            {
                failures.Add($"{type.FullName}: handles requests without deriving from Handler<TRequest, TResponse> (whose HandleAsync checks the permission)");
            }
        }

        return failures;
    }

    /// <summary>Types of <paramref name="assembly"/> (optionally only those in <paramref name="inNamespace"/>) that use the DbContext.</summary>
    public static IReadOnlyList<string> TouchesDbContext(Assembly assembly, string? inNamespace = null)
    {
        var types = Types.InAssembly(assembly);
        var selected = inNamespace is null ? types.That().ResideInNamespace(assembly.GetName().Name!) : types.That().ResideInNamespace(inNamespace);
        return Failing(selected.Should().NotHaveDependencyOnAny("HimPortal.Data.HimDbContext").GetResult());
    }

    /// <summary>Page models anywhere in <paramref name="assembly"/> that use the DbContext.</summary>
    public static IReadOnlyList<string> PagesTouchingDbContext(Assembly assembly) =>
        Failing(Types.InAssembly(assembly).That().Inherit<Microsoft.AspNetCore.Mvc.RazorPages.PageModel>()
            .Should().NotHaveDependencyOnAny("HimPortal.Data.HimDbContext").GetResult());

    /// <summary>
    /// Workflow folders of <paramref name="assembly"/> that use another workflow, and core folders that use any workflow.
    /// <paramref name="root"/> is the namespace the folders sit in ("HimPortal.Application").
    /// </summary>
    public static IReadOnlyList<string> CrossWorkflowReferences(Assembly assembly, string root)
    {
        var failures = new List<string>();
        foreach (var workflow in Workflows)
        {
            var others = Workflows.Where(w => w != workflow).Select(w => $"{root}.{w}").ToArray();
            var result = Types.InAssembly(assembly).That().ResideInNamespace($"{root}.{workflow}")
                .Should().NotHaveDependencyOnAny(others).GetResult();
            failures.AddRange(Failing(result).Select(t => $"{t}: workflow {workflow} uses another workflow"));
        }

        foreach (var core in Core)
        {
            var result = Types.InAssembly(assembly).That().ResideInNamespace($"{root}.{core}")
                .Should().NotHaveDependencyOnAny(Workflows.Select(w => $"{root}.{w}").ToArray()).GetResult();
            failures.AddRange(Failing(result).Select(t => $"{t}: core {core} uses a workflow"));
        }

        return failures;
    }

    /// <summary>
    /// Methods outside the clinical-record writer (<paramref name="writerNamespace"/>) that write `clinical` tables: SQL
    /// that inserts, updates, deletes, truncates or copies into clinical.*, EF Core changes to clinical entities, or the
    /// bulk writer and the version bump used directly.
    /// </summary>
    public static IReadOnlyList<string> ClinicalWritesOutsideTheWriter(Assembly assembly, string writerNamespace, string? inNamespace = null)
    {
        var failures = new List<string>();
        using var module = ModuleDefinition.ReadModule(assembly.Location);
        foreach (var type in module.GetTypes())
        {
            var owner = Outermost(type);
            if (owner.Namespace.StartsWith(writerNamespace, StringComparison.Ordinal)
                || (inNamespace is not null && !owner.Namespace.StartsWith(inNamespace, StringComparison.Ordinal)))
            {
                continue;
            }

            foreach (var method in type.Methods.Where(m => m.HasBody))
            {
                foreach (var instruction in method.Body.Instructions)
                {
                    var problem = instruction switch
                    {
                        { OpCode.Code: Code.Ldstr, Operand: string sql } when ClinicalWriteSql().IsMatch(sql) => "writes clinical tables in SQL",
                        { Operand: MethodReference called } when IsClinicalEfWrite(called) => $"changes clinical entities through EF Core ({called.Name})",
                        { Operand: MemberReference member } when member.DeclaringType?.FullName is "HimPortal.Data.Bulk.BulkUpsert"
                            || member.FullName.Contains("HimPortal.Data.Records.RecordVersions::BumpSql", StringComparison.Ordinal) => "uses the record's bulk writer",
                        _ => null,
                    };
                    if (problem is not null)
                    {
                        failures.Add($"{owner.FullName}.{method.Name}: {problem}");
                    }
                }
            }
        }

        return failures.Distinct().ToList();
    }

    /// <summary>Job payload types with a property that could carry patient data (anything but ids, numbers, dates, flags and codes).</summary>
    public static IReadOnlyList<string> PayloadsThatCouldCarryPatientData(IEnumerable<Type> types)
    {
        var allowed = new[] { typeof(Guid), typeof(int), typeof(long), typeof(bool), typeof(DateOnly), typeof(DateTimeOffset), typeof(TimeSpan) };
        var failures = new List<string>();
        foreach (var type in types.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IJobPayload).IsAssignableFrom(t)))
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                // Arrays of those too (the arrival matching job's record ids, issue 16): ids are no patient data in any number.
                var ok = allowed.Contains(propertyType) || propertyType.IsEnum
                         || (propertyType.IsArray && allowed.Contains(propertyType.GetElementType()))
                         || (propertyType == typeof(string) && property.GetCustomAttribute<JobCodeAttribute>() is not null);
                if (!ok)
                {
                    failures.Add($"{type.FullName}.{property.Name}: {propertyType.Name} may carry patient data (ids, numbers, dates and [JobCode] strings only)");
                }
            }
        }

        return failures;
    }

    [GeneratedRegex(@"\b(insert\s+into|update|delete\s+from|truncate(\s+table)?|copy)\s+clinical\.", RegexOptions.IgnoreCase)]
    private static partial Regex ClinicalWriteSql();

    private static readonly string[] EfWrites =
        ["Add", "AddAsync", "AddRange", "AddRangeAsync", "Update", "UpdateRange", "Remove", "RemoveRange", "Attach", "AttachRange",
         "ExecuteUpdate", "ExecuteUpdateAsync", "ExecuteDelete", "ExecuteDeleteAsync"];

    private static bool IsClinicalEfWrite(MethodReference called)
    {
        if (!EfWrites.Contains(called.Name))
        {
            return false;
        }

        var declaring = called.DeclaringType.FullName;
        var efMember = declaring.StartsWith("Microsoft.EntityFrameworkCore.", StringComparison.Ordinal);
        if (!efMember)
        {
            return false;
        }

        var generics = new List<TypeReference>();
        if (called is GenericInstanceMethod method)
        {
            generics.AddRange(method.GenericArguments);
        }

        if (called.DeclaringType is GenericInstanceType declaringGeneric)
        {
            generics.AddRange(declaringGeneric.GenericArguments);
        }

        return generics.Any(g => g.Namespace == "HimPortal.Data.Clinical");
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static bool DerivesFrom(Type type, Type openGeneric)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == openGeneric)
            {
                return true;
            }
        }

        return false;
    }

    private static List<string> Failing(TestResult result) =>
        result.IsSuccessful ? [] : (result.FailingTypes ?? []).Select(t => t.FullName).ToList();
}
