using System.Globalization;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.UpdateRoiPolicy;

/// <param name="Version">The policy row's version the manager saw.</param>
public sealed record UpdateRoiPolicyCommand(
    string HospitalState,
    int PolicyDays,
    string PatientFeeMethod,
    int PatientFlatFeeCents,
    int PatientLaborPageCents,
    int PaperPageCents,
    int MediaCents,
    int PostageCents,
    int PatientAverageElectronicCents,
    IReadOnlyList<string> FeeWaivedRequesterTypes,
    bool ReleaseWaitsForPayment,
    int DownloadLinkDays,
    int DownloadLinkMaxDownloads,
    IReadOnlyList<string> ExtraRestrictedLabels,
    uint Version);

public sealed class UpdateRoiPolicyValidator : AbstractValidator<UpdateRoiPolicyCommand>
{
    public UpdateRoiPolicyValidator()
    {
        RuleFor(c => c.HospitalState).Matches("^[A-Z]{2}$").WithMessage("The hospital's state is two capital letters, e.g. MA.");
        RuleFor(c => c.PolicyDays).InclusiveBetween(1, 365).WithMessage("Policy days are between 1 and 365.");
        RuleFor(c => c.PatientFeeMethod).Must(m => PatientFeeMethods.All.Contains(m)).WithMessage("Choose actual cost, average cost or a flat fee.");
        // OCR's 2016 access guidance: a flat fee of up to $6.50 for an electronic copy of electronic records (45 CFR 164.524(c)(4)).
        RuleFor(c => c.PatientFlatFeeCents).InclusiveBetween(0, 650)
            .WithMessage("The patient's flat fee is at most $6.50 (OCR's guidance on 45 CFR 164.524(c)(4)).");
        RuleFor(c => c.PatientLaborPageCents).InclusiveBetween(0, 10_000).WithMessage("The labour per page is between $0 and $100.");
        RuleFor(c => c.PaperPageCents).InclusiveBetween(0, 10_000).WithMessage("Paper per page is between $0 and $100.");
        RuleFor(c => c.MediaCents).InclusiveBetween(0, 100_000).WithMessage("Media is between $0 and $1,000.");
        RuleFor(c => c.PostageCents).InclusiveBetween(0, 100_000).WithMessage("Postage is between $0 and $1,000.");
        RuleFor(c => c.PatientAverageElectronicCents).InclusiveBetween(0, 100_000).WithMessage("The average cost is between $0 and $1,000.");
        RuleForEach(c => c.FeeWaivedRequesterTypes).Must(RequesterRules.IsKnown).WithMessage("Choose requester types from the list.");
        RuleFor(c => c.DownloadLinkDays).InclusiveBetween(1, 90).WithMessage("A download link lasts between 1 and 90 days.");
        RuleFor(c => c.DownloadLinkMaxDownloads).InclusiveBetween(1, 20).WithMessage("A download link serves between 1 and 20 downloads.");
        RuleForEach(c => c.ExtraRestrictedLabels).NotEmpty().MaximumLength(64);
    }
}

/// <summary>
/// An HIM manager changes the release-of-information policy: the hospital's state, the policy deadline, the patient-rate
/// method and amounts, waivers, whether a release waits for its fee, download links, extra restricted labels. Validated
/// (the flat fee's $6.50 ceiling with its source), optimistic concurrency on the row's version, audited as an
/// administrative change naming the values set.
/// </summary>
[RequiresPermission(Permissions.RoiConfigure)]
public sealed class UpdateRoiPolicyHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IValidator<UpdateRoiPolicyCommand> validator)
    : Handler<UpdateRoiPolicyCommand, Result<uint>>(permissions)
{
    public const string Stale = "Someone changed the ROI settings since you opened them. Reload the page and enter your change again.";

    protected override async Task<Result<uint>> ExecuteAsync(UpdateRoiPolicyCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var labels = command.ExtraRestrictedLabels.Distinct().ToArray();
        if (labels.Length > 0 && await db.SensitivityLabels.CountAsync(l => labels.Contains(l.Code) && l.Active, ct) != labels.Length)
        {
            return Error.Invalid("Choose restricted labels from the active sensitivity labels.", nameof(command.ExtraRestrictedLabels));
        }

        try
        {
            return await db.InTransactionAsync<Result<uint>>(async token =>
            {
                var row = await db.RoiSettings.SingleAsync(token);
                if (row.Version != command.Version)
                {
                    return Error.Conflict(Stale);
                }

                db.Entry(row).Property(s => s.Version).OriginalValue = command.Version;
                row.HospitalState = command.HospitalState;
                row.PolicyDays = command.PolicyDays;
                row.PatientFeeMethod = command.PatientFeeMethod;
                row.PatientFlatFeeCents = command.PatientFlatFeeCents;
                row.PatientLaborPageCents = command.PatientLaborPageCents;
                row.PaperPageCents = command.PaperPageCents;
                row.MediaCents = command.MediaCents;
                row.PostageCents = command.PostageCents;
                row.PatientAverageElectronicCents = command.PatientAverageElectronicCents;
                row.FeeWaivedRequesterTypes = [.. command.FeeWaivedRequesterTypes.Distinct()];
                row.ReleaseWaitsForPayment = command.ReleaseWaitsForPayment;
                row.DownloadLinkDays = command.DownloadLinkDays;
                row.DownloadLinkMaxDownloads = command.DownloadLinkMaxDownloads;
                row.ExtraRestrictedLabels = labels;
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "RoiSettings", "1",
                    Details: string.Create(CultureInfo.InvariantCulture,
                        $"ROI policy; state={row.HospitalState}; policy-days={row.PolicyDays}; patient-fee={row.PatientFeeMethod}; flat={row.PatientFlatFeeCents}; labour/page={row.PatientLaborPageCents}; paper/page={row.PaperPageCents}; media={row.MediaCents}; postage={row.PostageCents}; average={row.PatientAverageElectronicCents}; waived={string.Join(',', row.FeeWaivedRequesterTypes)}; waits-for-payment={row.ReleaseWaitsForPayment}; link-days={row.DownloadLinkDays}; link-max={row.DownloadLinkMaxDownloads}; extra-labels={string.Join(',', row.ExtraRestrictedLabels)}")),
                    token);
                await db.Entry(row).ReloadAsync(token);
                return Result<uint>.Success(row.Version);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.Conflict(Stale);
        }
    }
}
