using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Amendments.RouteAmendment;

/// <param name="PractitionerId">A practitioner offered on the page; or <paramref name="Npi"/>, to choose any other.</param>
public sealed record RouteAmendmentCommand(Guid AmendmentId, Guid? PractitionerId, string? Npi, uint Version);

public sealed class RouteAmendmentValidator : AbstractValidator<RouteAmendmentCommand>
{
    public RouteAmendmentValidator()
    {
        RuleFor(c => c).Must(c => c.PractitionerId is not null || !string.IsNullOrWhiteSpace(c.Npi))
            .WithMessage("Choose the author to answer, or give their NPI.").OverridePropertyName("PractitionerId");
        RuleFor(c => c.Npi).Matches("^[0-9]{10}$").When(c => !string.IsNullOrWhiteSpace(c.Npi)).WithMessage("An NPI is 10 digits.");
    }
}

/// <summary>
/// HIM routes a request to the item's author (or, when the author is gone, to a practitioner who can answer for it):
/// it leaves HIM's "received" and enters that physician's inbox. Routing again (the author refused, or left) is allowed
/// while the request is open. Version-checked and audited.
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class RouteAmendmentHandler(PermissionCheck permissions, HimDbContext db, AmendmentDesk desk, TimeProvider clock,
    IValidator<RouteAmendmentCommand> validator) : Handler<RouteAmendmentCommand, Result<uint>>(permissions)
{
    protected override async Task<Result<uint>> ExecuteAsync(RouteAmendmentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await desk.ChangeAsync<RouteAmendmentCommand, uint>(validator, command, command.AmendmentId, command.Version, authorOnly: false, async (request, token) =>
        {
            if (request.Status is not (AmendmentStatuses.Received or AmendmentStatuses.Routed))
            {
                return Error.Conflict("This request is answered already.");
            }

            var npi = command.Npi?.Trim();
            var practitioner = await db.Set<Practitioner>().AsNoTracking()
                .Where(p => command.PractitionerId != null ? p.Id == command.PractitionerId : p.Npi == npi)
                .OrderBy(p => p.Id).Select(p => new { p.Id, p.Npi }).FirstOrDefaultAsync(token);
            if (practitioner is null)
            {
                return Error.Invalid("No practitioner of the record has that NPI.", command.PractitionerId is null ? "Npi" : "PractitionerId");
            }

            var now = clock.GetUtcNow();
            var from = request.AuthorPractitionerId;
            request.AuthorPractitionerId = practitioner.Id;
            request.Status = AmendmentStatuses.Routed;
            request.RoutedAt = now;
            request.RoutedByUserId = desk.UserId;
            desk.Note(request, "routed", from is null ? $"to NPI {practitioner.Npi}" : $"rerouted to NPI {practitioner.Npi}", now);
            await db.SaveChangesAsync(token);
            await desk.AuditAsync(AuditAction.Update, request, $"completion.amendment-route; practitioner={practitioner.Id:D}", token);
            return Result<uint>.Success(request.Version);
        }, ct);
    }
}
