using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Portal.Activation;
using HimPortal.Data;

namespace HimPortal.Application.Portal.People;

/// <summary>A representative's activation letter, answered with the representative's own birth date and family name.</summary>
public sealed record AddMyPersonCommand(string Code, DateOnly? BirthDate, string FamilyName) : IActivationAnswers;

/// <param name="PatientId">The person now reached by the account (the grant's record).</param>
public sealed record AddedPerson(Guid PatientId, Guid ProxyGrantId);

public sealed class AddMyPersonValidator : AbstractValidator<AddMyPersonCommand>
{
    public AddMyPersonValidator()
    {
        Include(new ActivationAnswersValidator());
    }
}

public static class AddMyPersonErrors
{
    // An account has one record of its own (its MRN); a second one would mix two people's records in one account.
    public static Error OwnRecordLetter => new(ErrorKind.Invalid, "add-person.own-letter",
        "This letter is for a patient's own account; it cannot be added to yours. The patient creates their own account with it.");

    public static Error NotInForce => new(ErrorKind.Invalid, "add-person.not-in-force",
        "The hospital's record of your authority for this person is not in force today (it has ended, was withdrawn, or has not begun yet), so this letter cannot be added. If you think this is wrong, call the hospital's Health Information Management department.");

    public static Error OtherAccount => new(ErrorKind.Conflict, "add-person.other-account",
        "This letter's access already belongs to another portal account, so it cannot be added to yours. If you think this is wrong, call the hospital's Health Information Management department.");

    public static Error AlreadyYours => new(ErrorKind.Conflict, "add-person.already-yours",
        "The person on this letter is already on your list.");
}

/// <summary>
/// A signed-in portal account takes on one more person from a personal representative's activation letter (issue 19
/// items 2 and 8; ADR 0041), so a parent of two children, or a patient who also represents a child, keeps one account
/// (45 CFR 164.502(g)). The letter is checked as at activation (<see cref="ActivationLetterCheck"/>: expired, used,
/// replaced, locked, and the representative's own birth date and family name, wrong tries counting and locking the
/// code); a patient's own-record letter, a grant not in force, or one already named to another account is refused and
/// nothing changes. On success the grant names this account and the code is spent, with the audit row
/// (portal.add-person), in one transaction; the chart gate then reaches the person through the grant in force.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class AddMyPersonHandler(
    PermissionCheck permissions,
    HimDbContext db,
    ActivationLetterCheck letters,
    IAuditActorAccessor actors,
    IValidator<AddMyPersonCommand> validator,
    TimeProvider clock,
    HospitalTime hospital) : Handler<AddMyPersonCommand, Result<AddedPerson>>(permissions)
{
    private static readonly ActivationUse Use = ActivationUse.AddPerson;

    protected override async Task<Result<AddedPerson>> ExecuteAsync(AddMyPersonCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var userId = actors.Current.UserId ?? Guid.Empty;
        return await db.InTransactionAsync<Result<AddedPerson>>(async token =>
        {
            var found = await letters.FindAsync(command.Code, Use, token);
            if (!found.IsSuccess)
            {
                return found.Error!;
            }

            var letter = found.Value!;
            var code = letter.Code;
            // Refused before the answers are weighed, so these count no try: the letter is the wrong kind, not the answers.
            var refusal = letter.Grant switch
            {
                null when code.ProxyGrantId is null => ("a patient's own-record letter", AddMyPersonErrors.OwnRecordLetter),
                null => ("representative's grant not found", AddMyPersonErrors.NotInForce),
                { } grant when !InForce(grant.RevokedAt, grant.StartsOn, grant.EndsOn) => ("representative's grant not in force", AddMyPersonErrors.NotInForce),
                { RepresentativeUserId: { } other } when other == userId => ("person already on this account", AddMyPersonErrors.AlreadyYours),
                { RepresentativeUserId: not null } => ("grant already named to another account", AddMyPersonErrors.OtherAccount),
                _ => default((string What, Error Error)?),
            };
            if (refusal is { } refused)
            {
                await letters.AuditAsync(Use, AuditOutcome.Denied, code.Id, code.PatientId, refused.What, token);
                return refused.Error;
            }

            if (await letters.CheckAnswersAsync(letter, command, Use, token) is { } wrong)
            {
                return wrong;
            }

            await letters.SpendAsync(letter, userId, token);
            await letters.AuditAsync(Use, AuditOutcome.Success, code.Id, code.PatientId,
                $"representative's grant {letter.Grant!.Id:D} added to the signed-in account", token, userId);
            return Result<AddedPerson>.Success(new AddedPerson(code.PatientId, letter.Grant.Id));
        }, ct);
    }

    // As the chart gate reads a grant: in force on the hospital's day (not revoked, begun, not ended).
    private bool InForce(DateTimeOffset? revokedAt, DateOnly startsOn, DateOnly? endsOn)
    {
        var today = hospital.DayOf(clock.GetUtcNow());
        return revokedAt is null && startsOn <= today && (endsOn is null || endsOn >= today);
    }
}
