using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Completion.Him;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Configure.Departments;

public sealed record ListDepartmentsQuery;

public sealed record DepartmentMemberView(Guid PractitionerId, string Name);

public sealed record DepartmentView(Guid Id, string Name, Guid? ChiefPractitionerId, string? Chief, IReadOnlyList<DepartmentMemberView> Members, uint Version);

/// <param name="Id">The department changed, or null to create one.</param>
/// <param name="Chief">The chief by NPI or name; empty for none.</param>
public sealed record SaveDepartmentCommand(Guid? Id, string Name, string? Chief, uint Version);

/// <param name="Practitioner">The member by NPI or name.</param>
public sealed record AddDepartmentMemberCommand(Guid DepartmentId, string Practitioner);

public sealed record RemoveDepartmentMemberCommand(Guid DepartmentId, Guid PractitionerId);

public sealed class SaveDepartmentValidator : AbstractValidator<SaveDepartmentCommand>
{
    public SaveDepartmentValidator()
    {
        RuleFor(c => c.Name).NotEmpty().WithMessage("Name the department.").MaximumLength(200).WithMessage("The name is at most 200 characters.");
        RuleFor(c => c.Chief).MaximumLength(200).WithMessage("A name or NPI is at most 200 characters.");
    }
}

public sealed class AddDepartmentMemberValidator : AbstractValidator<AddDepartmentMemberCommand>
{
    public AddDepartmentMemberValidator() =>
        RuleFor(c => c.Practitioner).NotEmpty().WithMessage("Give the physician's NPI or name.").MaximumLength(200).WithMessage("A name or NPI is at most 200 characters.");
}

/// <summary>The medical staff's departments, their chiefs (who receive escalations, issue 18 item 4) and members. No patient data.</summary>
[RequiresPermission(Permissions.CompletionManage)]
public sealed class ListDepartmentsHandler(PermissionCheck permissions, HimDbContext db) : Handler<ListDepartmentsQuery, Result<IReadOnlyList<DepartmentView>>>(permissions)
{
    protected override async Task<Result<IReadOnlyList<DepartmentView>>> ExecuteAsync(ListDepartmentsQuery query, CancellationToken ct)
    {
        var departments = await db.Departments.AsNoTracking().OrderBy(d => d.Name).ToListAsync(ct);
        var members = await db.DepartmentMembers.AsNoTracking().ToListAsync(ct);
        var named = members.Select(m => m.PractitionerId).Concat(departments.Where(d => d.ChiefPractitionerId != null).Select(d => d.ChiefPractitionerId!.Value)).Distinct().ToList();
        var names = await db.Set<Practitioner>().AsNoTracking().Where(p => named.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => HimAudit.Name(p.GivenNames, p.FamilyName, p.Npi), ct);
        var byDepartment = members.ToLookup(m => m.DepartmentId);
        return Result<IReadOnlyList<DepartmentView>>.Success([.. departments.Select(d => new DepartmentView(d.Id, d.Name, d.ChiefPractitionerId,
            d.ChiefPractitionerId is { } chief ? names.GetValueOrDefault(chief) : null,
            [.. byDepartment[d.Id].Select(m => new DepartmentMemberView(m.PractitionerId, names.GetValueOrDefault(m.PractitionerId) ?? "(unknown)")).OrderBy(m => m.Name, StringComparer.Ordinal)],
            d.Version))]);
    }
}

/// <summary>Creates or renames a department and sets its chief (version checked); audited as completion.configure.</summary>
[RequiresPermission(Permissions.CompletionManage)]
public sealed class SaveDepartmentHandler(PermissionCheck permissions, HimDbContext db, Audit.AccessAudit audit, TimeProvider clock, IValidator<SaveDepartmentCommand> validator)
    : Handler<SaveDepartmentCommand, Result<Guid>>(permissions)
{
    private static readonly Error NameTaken = Error.Invalid("Another department has this name.", nameof(SaveDepartmentCommand.Name));

    protected override async Task<Result<Guid>> ExecuteAsync(SaveDepartmentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var name = command.Name.Trim();
        try
        {
            return await Versioned.InTransactionAsync<Guid>(db, ConfigureAudit.Stale, async token =>
            {
                if (await db.Departments.AnyAsync(d => d.Name == name && d.Id != command.Id, token))
                {
                    return NameTaken;
                }

                Guid? chief = null;
                if (!string.IsNullOrWhiteSpace(command.Chief))
                {
                    var found = await HimStays.PractitionerAsync(db, null, command.Chief, nameof(command.Chief), token);
                    if (found.Error is { } unknown)
                    {
                        return unknown;
                    }

                    chief = found.Value!.Id;
                }

                Department department;
                if (command.Id is { } id)
                {
                    var existing = await db.Departments.SingleOrDefaultAsync(d => d.Id == id, token);
                    if (existing is null)
                    {
                        return Error.NotFound("There is no such department.");
                    }

                    if (existing.Version != command.Version)
                    {
                        return ConfigureAudit.Stale;
                    }

                    department = existing;
                    db.Entry(department).Property(d => d.Version).OriginalValue = command.Version;
                }
                else
                {
                    department = new Department { Id = Guid.CreateVersion7(clock.GetUtcNow()), Name = name };
                    db.Departments.Add(department);
                }

                department.Name = name;
                department.ChiefPractitionerId = chief;
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(ConfigureAudit.Of("Department", department.Id.ToString("D"),
                    $"department {(command.Id is null ? "created" : "saved")}; chief {chief?.ToString("D") ?? "none"}"), token);
                return Result<Guid>.Success(department.Id);
            }, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            db.ChangeTracker.Clear();
            return NameTaken;
        }
    }
}

/// <summary>Puts a physician in a department (one department each: a move takes them out of the other); audited as completion.configure.</summary>
[RequiresPermission(Permissions.CompletionManage)]
public sealed class AddDepartmentMemberHandler(PermissionCheck permissions, HimDbContext db, Audit.AccessAudit audit, IValidator<AddDepartmentMemberCommand> validator)
    : Handler<AddDepartmentMemberCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(AddDepartmentMemberCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        return await db.InTransactionAsync<Result<bool>>(async token =>
        {
            if (!await db.Departments.AnyAsync(d => d.Id == command.DepartmentId, token))
            {
                return Error.NotFound("There is no such department.");
            }

            var found = await HimStays.PractitionerAsync(db, null, command.Practitioner, nameof(command.Practitioner), token);
            if (found.Error is { } unknown)
            {
                return unknown;
            }

            var practitioner = found.Value!.Id;
            var member = await db.DepartmentMembers.SingleOrDefaultAsync(m => m.PractitionerId == practitioner, token);
            var from = member?.DepartmentId;
            if (member is null)
            {
                db.DepartmentMembers.Add(new DepartmentMember { PractitionerId = practitioner, DepartmentId = command.DepartmentId });
            }
            else
            {
                member.DepartmentId = command.DepartmentId;
            }

            await db.SaveChangesAsync(token);
            await audit.RecordAsync(ConfigureAudit.Of("Department", command.DepartmentId.ToString("D"),
                $"member {practitioner:D} added" + (from is { } old && old != command.DepartmentId ? $" (moved from department {old:D})" : "")), token);
            return Result<bool>.Success(true);
        }, ct);
    }
}

[RequiresPermission(Permissions.CompletionManage)]
public sealed class RemoveDepartmentMemberHandler(PermissionCheck permissions, HimDbContext db, Audit.AccessAudit audit)
    : Handler<RemoveDepartmentMemberCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(RemoveDepartmentMemberCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await db.InTransactionAsync<Result<bool>>(async token =>
        {
            var removed = await db.DepartmentMembers.Where(m => m.PractitionerId == command.PractitionerId && m.DepartmentId == command.DepartmentId).ExecuteDeleteAsync(token);
            if (removed == 0)
            {
                return Error.NotFound("The physician is not a member of this department.");
            }

            await audit.RecordAsync(ConfigureAudit.Of("Department", command.DepartmentId.ToString("D"), $"member {command.PractitionerId:D} removed"), token);
            return Result<bool>.Success(true);
        }, ct);
    }
}
