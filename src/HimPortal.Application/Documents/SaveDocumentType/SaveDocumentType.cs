using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.SaveDocumentType;

/// <param name="Id">Null to add a type.</param>
/// <param name="Version">The version the form was read at (ignored when adding).</param>
/// <param name="Active">False retires the type: it stays on documents filed under it and is no longer offered.</param>
public sealed record SaveDocumentTypeCommand(Guid? Id, uint Version, string? Name, string? LoincCode, int SortOrder, bool Active = true);

public sealed partial class SaveDocumentTypeValidator : AbstractValidator<SaveDocumentTypeCommand>
{
    public SaveDocumentTypeValidator()
    {
        RuleFor(c => c.Name).NotEmpty().WithMessage("Name the document type.").MaximumLength(100);
        // A LOINC code is digits, a hyphen and a check digit (34117-2).
        RuleFor(c => c.LoincCode).Matches(Loinc()).When(c => !string.IsNullOrWhiteSpace(c.LoincCode))
            .WithMessage("A LOINC code looks like 34117-2: digits, a hyphen, one check digit.");
        RuleFor(c => c.SortOrder).InclusiveBetween(0, 100_000);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{1,7}-\d$")]
    private static partial System.Text.RegularExpressions.Regex Loinc();
}

/// <summary>
/// The HIM manager adds a document type, or renames, recodes, reorders, retires or reactivates one. Optimistic
/// concurrency on the type's version; names are unique. Audited as configuration (no patient data).
/// </summary>
[RequiresPermission(Permissions.IntakeConfigure)]
public sealed class SaveDocumentTypeHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IValidator<SaveDocumentTypeCommand> validator,
    TimeProvider clock) : Handler<SaveDocumentTypeCommand, Result<Guid>>(permissions)
{
    public static readonly Error Stale = Error.Conflict("Someone else changed this document type since you opened the page. Nothing was changed: look again and retry.");

    public static readonly Error NameTaken = new(ErrorKind.Conflict, "name-taken", "Another document type has this name.", "Name");

    protected override async Task<Result<Guid>> ExecuteAsync(SaveDocumentTypeCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var name = command.Name!.Trim();
        var loinc = string.IsNullOrWhiteSpace(command.LoincCode) ? null : command.LoincCode.Trim();
        try
        {
            return await db.InTransactionAsync<Result<Guid>>(async token =>
            {
                if (await db.Set<DocumentType>().AnyAsync(t => t.Name == name && t.Id != command.Id, token))
                {
                    return NameTaken;
                }

                DocumentType type;
                if (command.Id is { } id)
                {
                    var found = await db.Set<DocumentType>().SingleOrDefaultAsync(t => t.Id == id, token);
                    if (found is null)
                    {
                        return Error.NotFound("There is no such document type.");
                    }

                    if (found.Version != command.Version)
                    {
                        return Stale;
                    }

                    type = found;
                    db.Entry(type).Property(t => t.Version).OriginalValue = command.Version;
                    type.Name = name;
                    type.LoincCode = loinc;
                    type.SortOrder = command.SortOrder;
                    type.Active = command.Active;
                    db.Entry(type).Property(t => t.SortOrder).IsModified = true;
                }
                else
                {
                    type = new DocumentType { Id = Guid.CreateVersion7(clock.GetUtcNow()), Name = name, LoincCode = loinc, SortOrder = command.SortOrder, Active = command.Active };
                    db.Add(type);
                }

                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "DocumentType", type.Id.ToString("D"),
                    Details: $"{(command.Id is null ? "added" : "changed")}; loinc={loinc ?? "none"}; order={type.SortOrder}; active={type.Active}"), token);
                return Result<Guid>.Success(type.Id);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Stale;
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            db.ChangeTracker.Clear();
            return NameTaken;
        }
    }
}
