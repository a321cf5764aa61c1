using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data.Portal;

namespace HimPortal.Application.Portal.Amendments.FileDisagreement;

public sealed record FileDisagreementCommand(Guid PatientId, Guid AmendmentId, string Statement, uint Version);

public sealed class FileDisagreementValidator : AbstractValidator<FileDisagreementCommand>
{
    /// <summary>About two pages: 164.526(d)(2) lets the hospital reasonably limit the statement's length.</summary>
    public const int MaxLength = 4000;

    public FileDisagreementValidator()
    {
        RuleFor(c => c.Statement).NotEmpty().WithMessage("Write your statement: what you disagree with, and why.")
            .MaximumLength(MaxLength).WithMessage($"Keep your statement under {MaxLength:N0} characters (about two pages).");
    }
}

/// <summary>
/// After a denial, the patient files a statement of disagreement (45 CFR 164.526(d)(1)(ii), (d)(2)): once, kept with the
/// request and so linked to the item, and sent with every later disclosure of the item with the request, the denial and
/// any rebuttal (164.526(d)(4)-(5); release of information's packet build reads it). Version-checked and audited.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class FileDisagreementHandler(
    PermissionCheck permissions,
    PortalAmendments amendments,
    IAuditActorAccessor actors,
    TimeProvider clock,
    IValidator<FileDisagreementCommand> validator) : Handler<FileDisagreementCommand, Result<uint>>(permissions)
{
    protected override async Task<Result<uint>> ExecuteAsync(FileDisagreementCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var statement = command.Statement.Trim();
        var now = clock.GetUtcNow();
        return await amendments.AnswerDenialAsync(command.PatientId, command.AmendmentId, command.Version, "amendment-disagreement", actors.Current.UserId, request =>
        {
            if (request.Status != AmendmentStatuses.Denied || request.DisagreementText is not null)
            {
                return "A statement of disagreement is filed once, after a denial.";
            }

            // A statement filed after a (d)(5)(ii) request supersedes it: the packets then carry the statement too.
            request.DisagreementText = statement;
            request.DisagreementAt = now;
            return null;
        }, now, ct);
    }
}
