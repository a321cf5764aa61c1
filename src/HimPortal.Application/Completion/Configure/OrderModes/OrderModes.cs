using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Configure.OrderModes;

/// <param name="Coding">"system|code" as MedicationRequest.ModeCodes holds it.</param>
/// <param name="Mode">"verbal" or "telephone".</param>
public sealed record AddOrderModeCommand(string Coding, string Mode);

public sealed record RemoveOrderModeCommand(Guid Id);

public sealed class AddOrderModeValidator : AbstractValidator<AddOrderModeCommand>
{
    public AddOrderModeValidator()
    {
        RuleFor(c => c.Coding).Must(c => OrderModeCoding.TryParse(c, out _, out _))
            .WithMessage("Give the coding as system|code (http://terminology.hl7.org/CodeSystem/v3-ParticipationMode|VERBAL).");
        RuleFor(c => c.Mode).Must(m => m is "verbal" or "telephone").WithMessage("Choose verbal or telephone.");
    }
}

internal static class OrderModeCoding
{
    public static bool TryParse(string? coding, out string system, out string code)
    {
        var bar = coding?.IndexOf('|', StringComparison.Ordinal) ?? -1;
        system = bar > 0 ? coding![..bar].Trim() : "";
        code = bar > 0 ? coding![(bar + 1)..].Trim() : "";
        return system.Length is > 0 and <= 200 && code.Length is > 0 and <= 64 && !code.Contains('|', StringComparison.Ordinal);
    }
}

/// <summary>
/// An HIM manager maps what a source sends to mark an order verbal or telephone (issue 18 item 1: "recognised … through a
/// configurable mapping", 42 CFR 482.24(c)(2)). Open stays are queued for analysis since order deficiencies follow it.
/// </summary>
[RequiresPermission(Permissions.CompletionManage)]
public sealed class AddOrderModeHandler(PermissionCheck permissions, HimDbContext db, Audit.AccessAudit audit, TimeProvider clock, IValidator<AddOrderModeCommand> validator)
    : Handler<AddOrderModeCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(AddOrderModeCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        if (!OrderModeCoding.TryParse(command.Coding, out var system, out var code))
        {
            return Error.Invalid("Give the coding as system|code.", nameof(command.Coding));
        }

        return await db.InTransactionAsync<Result<Guid>>(async token =>
        {
            if (await db.OrderModeMappings.AnyAsync(m => m.System == system && m.Code == code, token))
            {
                return Error.Invalid("This coding is mapped already: remove it first to change its mode.", nameof(command.Coding));
            }

            var now = clock.GetUtcNow();
            var mapping = new OrderModeMapping { Id = Guid.CreateVersion7(now), System = system, Code = code, Mode = command.Mode };
            db.OrderModeMappings.Add(mapping);
            await db.SaveChangesAsync(token);
            var queued = await ConfigureAudit.QueueOpenStaysAsync(db, null, "order-modes-changed", now, token);
            await audit.RecordAsync(ConfigureAudit.Of("OrderModeMapping", mapping.Id.ToString("D"), $"order mode {system}|{code} → {command.Mode} added; {queued} stays queued for analysis"), token);
            return Result<Guid>.Success(mapping.Id);
        }, ct);
    }
}

[RequiresPermission(Permissions.CompletionManage)]
public sealed class RemoveOrderModeHandler(PermissionCheck permissions, HimDbContext db, Audit.AccessAudit audit, TimeProvider clock)
    : Handler<RemoveOrderModeCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(RemoveOrderModeCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await db.InTransactionAsync<Result<bool>>(async token =>
        {
            var mapping = await db.OrderModeMappings.SingleOrDefaultAsync(m => m.Id == command.Id, token);
            if (mapping is null)
            {
                return Error.NotFound("There is no such mapping.");
            }

            db.OrderModeMappings.Remove(mapping);
            await db.SaveChangesAsync(token);
            var queued = await ConfigureAudit.QueueOpenStaysAsync(db, null, "order-modes-changed", clock.GetUtcNow(), token);
            await audit.RecordAsync(ConfigureAudit.Of("OrderModeMapping", mapping.Id.ToString("D"), $"order mode {mapping.System}|{mapping.Code} → {mapping.Mode} removed; {queued} stays queued for analysis"), token);
            return Result<bool>.Success(true);
        }, ct);
    }
}
