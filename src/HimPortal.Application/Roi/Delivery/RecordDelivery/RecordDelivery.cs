using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Delivery.RecordDelivery;

/// <summary>
/// A packet that left by hand. <paramref name="Method"/> is <see cref="DeliveryMethods.Mail"/> (with the tracking or
/// certified-mail number) or <see cref="DeliveryMethods.Pickup"/> (who collected it, the ID they showed and its last digits).
/// </summary>
public sealed record RecordDeliveryCommand(
    Guid RequestId,
    string? Method,
    string? TrackingNumber,
    string? PickedUpBy,
    string? IdType,
    string? IdLastDigits,
    uint Version);

public static class PickupIdTypes
{
    public static readonly IReadOnlyList<string> All = ["driver's license", "state ID card", "passport", "military ID", "other government photo ID"];
}

public sealed class RecordDeliveryValidator : AbstractValidator<RecordDeliveryCommand>
{
    public RecordDeliveryValidator()
    {
        RuleFor(c => c.Method).Must(m => m is DeliveryMethods.Mail or DeliveryMethods.Pickup).WithMessage("Choose mail or pickup.");
        When(c => c.Method == DeliveryMethods.Mail, () =>
        {
            RuleFor(c => c.TrackingNumber).NotEmpty().WithMessage("Enter the tracking or certified-mail number: it is the proof of delivery.")
                .MaximumLength(64).WithMessage("The tracking number is at most 64 characters.");
        });
        When(c => c.Method == DeliveryMethods.Pickup, () =>
        {
            RuleFor(c => c.PickedUpBy).NotEmpty().WithMessage("Enter the name of the person who collected the packet.")
                .MaximumLength(200).WithMessage("The name is at most 200 characters.");
            RuleFor(c => c.IdType).Must(t => t is not null && PickupIdTypes.All.Contains(t))
                .WithMessage($"Choose the ID shown: {string.Join(", ", PickupIdTypes.All)}.");
            // Only the last digits are kept (a whole ID number is more than the proof needs).
            RuleFor(c => c.IdLastDigits).Matches("^[0-9A-Za-z]{2,4}$").WithMessage("Enter the last 2 to 4 characters of the ID's number.");
        });
    }
}

/// <summary>
/// Records a delivery by mail (printed with its mailing label, the tracking number as proof) or by pickup (the identity
/// check of 45 CFR 164.514(h): who collected it, the ID and its last digits, who checked). Either releases the packet,
/// moves the request to delivered and records the disclosure (PacketRelease).
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class RecordDeliveryHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    PacketRelease release,
    IValidator<RecordDeliveryCommand> validator) : Handler<RecordDeliveryCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(RecordDeliveryCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync<Result<Guid>>(async token =>
            {
                var loaded = await release.LoadAsync(command.RequestId, command.Version, token);
                if (!loaded.IsSuccess)
                {
                    return loaded.Error!;
                }

                var (request, packet) = loaded.Value;

                if (command.Method == DeliveryMethods.Mail && RoiAudit.AddressLines(request.RequesterAddress).Count == 0)
                {
                    return Error.Invalid("The request has no postal address to mail to.", nameof(RecordDeliveryCommand.Method));
                }

                var checker = actors.Current.UserName ?? "unknown";
                var proof = command.Method == DeliveryMethods.Mail
                    ? $"Mailed; tracking or certified-mail number {command.TrackingNumber!.Trim()}"
                    : $"Picked up by {command.PickedUpBy!.Trim()}; identity checked against {command.IdType} ending {command.IdLastDigits} by {checker}";
                var disclosure = await release.ReleaseAsync(request, packet, command.Method!, proof, token);
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Disclose, $"released by {command.Method}"), token);
                return Result<Guid>.Success(disclosure.Id);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return RoiAudit.Stale;
        }
    }
}
