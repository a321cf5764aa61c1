// Deliberately broken code: each type here breaks one architecture rule, and ArchitectureRuleTests checks that the rule
// catches it. None of it is ever run.
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Tests.Architecture.Broken;

public sealed record ForgetfulQuery(Guid Id);

/// <summary>Breaks "every handler declares its permission": no [RequiresPermission].</summary>
public sealed class ForgetfulHandler(PermissionCheck permissions) : Handler<ForgetfulQuery, Result<int>>(permissions)
{
    protected override Task<Result<int>> ExecuteAsync(ForgetfulQuery request, CancellationToken ct) => Task.FromResult(Result<int>.Success(1));
}

/// <summary>Breaks "every handler is checked": a HandleAsync of its own, outside the checked base class.</summary>
public sealed class SneakyHandler
{
    public Task<int> HandleAsync(ForgetfulQuery query, CancellationToken ct) => Task.FromResult(query.Id.GetHashCode());
}

/// <summary>Breaks "pages never touch the DbContext".</summary>
public sealed class GreedyPageModel(HimDbContext db) : PageModel
{
    public Task<int> OnGetAsync() => db.Set<Patient>().CountAsync();
}

/// <summary>Breaks "only the writer writes clinical tables", three ways.</summary>
public static class Rekeying
{
    public static Task<int> MoveInSqlAsync(HimDbContext db, Guid from, Guid to) =>
        db.Database.ExecuteSqlRawAsync("UPDATE clinical.observations SET patient_id = {0} WHERE patient_id = {1}", to, from);

    public static void AddThroughEf(HimDbContext db, Condition condition) => db.Set<Condition>().Add(condition);

    public static Task<int> MoveThroughEfAsync(HimDbContext db, Guid from, Guid to) =>
        db.Set<Observation>().Where(o => o.PatientId == from).ExecuteUpdateAsync(set => set.SetProperty(o => o.PatientId, to));
}

/// <summary>Breaks "job payloads hold ids and codes": a name.</summary>
public sealed record LeakyPayload(Guid PatientId, string PatientName) : IJobPayload;
