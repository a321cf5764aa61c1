using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Letters;
using HimPortal.Data;
using HimPortal.Data.Roi;

namespace HimPortal.Application.Roi.Authorizations.DenyRequest;

/// <summary>A ground for denying a request, in plain words for the letter.</summary>
/// <param name="Individual">A ground of 164.524 for the individual's own request; otherwise a third party's.</param>
/// <param name="Reviewable">The individual may have it reviewed by a licensed health care professional (164.524(a)(3), (a)(4)).</param>
public sealed record DenialGround(string Code, string Title, string LetterText, string Citation, bool Individual, bool Reviewable);

/// <summary>The grounds of 45 CFR 164.524(a)(1)-(3) for the individual, and a third party's reasons.</summary>
public static class DenialGrounds
{
    public static readonly IReadOnlyList<DenialGround> All =
    [
        new("psychotherapy-notes", "Psychotherapy notes", "The information is psychotherapy notes, which are not part of the right of access.", "45 CFR 164.524(a)(1)(i)", true, false),
        new("legal-proceedings", "Compiled for legal proceedings",
            "The information was compiled in reasonable anticipation of, or for use in, a civil, criminal or administrative action or proceeding.", "45 CFR 164.524(a)(1)(ii)", true, false),
        new("inmate", "Correctional institution inmate",
            "You are an inmate and a copy would put at risk the health, safety, security, custody or rehabilitation of you, other inmates, or the safety of others at the institution.",
            "45 CFR 164.524(a)(2)(ii)", true, false),
        new("research", "Research in progress",
            "The information was created or obtained in research that includes treatment, and you agreed to suspend access while the research is in progress; access returns when it ends.",
            "45 CFR 164.524(a)(2)(iii)", true, false),
        new("privacy-act", "Privacy Act", "The information is in records subject to the Privacy Act, and the Privacy Act permits the denial.", "45 CFR 164.524(a)(2)(iv)", true, false),
        new("confidential-source", "Obtained under a promise of confidentiality",
            "The information was obtained from someone other than a health care provider under a promise of confidentiality, and access would reasonably be likely to reveal that source.",
            "45 CFR 164.524(a)(2)(v)", true, false),
        new("endangerment", "Endangering life or physical safety",
            "A licensed health care professional has determined, in their professional judgment, that access is reasonably likely to endanger your life or physical safety or that of another person.",
            "45 CFR 164.524(a)(3)(i)", true, true),
        new("other-person", "References another person",
            "The information refers to another person (not a health care provider), and a licensed health care professional has determined that access is reasonably likely to cause substantial harm to that person.",
            "45 CFR 164.524(a)(3)(ii)", true, true),
        new("representative-endangerment", "Personal representative",
            "The request is made by a personal representative, and a licensed health care professional has determined that access by that representative is reasonably likely to cause substantial harm to the patient or another person.",
            "45 CFR 164.524(a)(3)(iii)", true, true),
        new("invalid-authorization", "No valid authorization",
            "We did not receive a valid written authorization from the patient for this disclosure, and none of the exceptions that allow a disclosure without one applies.", "45 CFR 164.508(a)(1), (b)(2)", false, false),
        new("no-legal-basis", "No legal basis",
            "The request does not meet the requirements of any provision of the law that permits us to disclose the information without the patient's authorization.", "45 CFR 164.502(a), 164.512", false, false),
    ];

    public static DenialGround? For(string code) => All.FirstOrDefault(g => g.Code == code);
}

/// <param name="Grounds">Codes of <see cref="DenialGrounds"/>.</param>
/// <param name="Explanation">The specialist's words on the facts, added to the letter (optional).</param>
/// <param name="PartialAccess">When only part is denied: what the individual can have (164.524(d)(1)); null when all is denied.</param>
/// <param name="ReviewContact">Where to send a request for review or a complaint: a name or title, address, telephone (164.524(d)(2)(ii), (iii)).</param>
public sealed record DenyRequestCommand(Guid RequestId, uint RequestVersion, IReadOnlyList<string> Grounds, string? Explanation, string? PartialAccess, string ReviewContact);

public sealed record DenialOutcome(Guid LetterId, bool Reviewable);

public sealed class DenyRequestValidator : AbstractValidator<DenyRequestCommand>
{
    public DenyRequestValidator()
    {
        RuleFor(c => c.Grounds).NotEmpty().WithMessage("Choose at least one ground for the denial.");
        RuleForEach(c => c.Grounds).Must(g => DenialGrounds.For(g) is not null).WithMessage("Choose grounds from the list.");
        RuleFor(c => c.Explanation).MaximumLength(2000);
        RuleFor(c => c.PartialAccess).MaximumLength(1000);
        RuleFor(c => c.ReviewContact).NotEmpty()
            .WithMessage("Give the contact (name or title, address, telephone) for a review or a complaint (45 CFR 164.524(d)(2)(iii)).")
            .MaximumLength(500);
    }
}

/// <summary>
/// Denies a request (45 CFR 164.524(a), (d)) with a denial letter in plain language: the grounds, for reviewable grounds
/// the right to a review by a licensed health care professional who took no part in the denial and how to ask for it, how
/// to complain to the hospital and to the Secretary of HHS, and when only part is denied, access to the rest.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class DenyRequestHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    RequestTimeline timeline,
    RoiLetterStore letters,
    HospitalTime hospital,
    IValidator<DenyRequestCommand> validator,
    TimeProvider time) : Handler<DenyRequestCommand, Result<DenialOutcome>>(permissions)
{
    protected override Task<Result<DenialOutcome>> ExecuteAsync(DenyRequestCommand command, CancellationToken ct) =>
        AuthorizationChange.RunAsync<DenyRequestCommand, DenialOutcome>(db, validator, command, command.RequestId, command.RequestVersion, async (request, token) =>
        {
            var individual = RequesterRules.For(request.RequesterType).Individual;
            var grounds = command.Grounds.Distinct(StringComparer.Ordinal).Select(g => DenialGrounds.For(g)!).ToList();
            if (grounds.Any(g => g.Individual != individual))
            {
                return Error.Invalid(individual
                    ? "The individual's own request is denied only on the grounds of 45 CFR 164.524(a)."
                    : "A third party's request is denied for want of a valid authorization or a legal basis, not on the grounds of 164.524.", nameof(command.Grounds));
            }

            var pdf = DenialLetter(request, grounds, command, hospital.DayOf(time.GetUtcNow()));
            var letter = await letters.SaveAsync(request.Id, request.PatientId, LetterKinds.Denial, pdf.Bytes, pdf.Pages, token);
            var reason = string.Join("; ", grounds.Select(g => $"{g.Title} ({g.Citation})"));
            if (!timeline.Move(request, RequestStatuses.Denied,
                    $"Denied{(command.PartialAccess is null ? "" : " in part")}: {reason}. Denial letter written.", reason))
            {
                return Error.Conflict($"A request that is {request.Status} cannot be denied.");
            }

            await db.SaveChangesAsync(token);
            var reviewable = grounds.Any(g => g.Reviewable);
            await audit.RecordAsync(RoiAuthorizationErrors.Audit(request, AuditAction.Update,
                $"denied: {string.Join(",", grounds.Select(g => g.Code))}; reviewable={reviewable}; letter {letter.Id:D}"), token);
            return Result<DenialOutcome>.Success(new DenialOutcome(letter.Id, reviewable));
        }, ct);

    /// <summary>The denial letter (164.524(d)(2)): plain language, the basis, review rights where they exist, complaints.</summary>
    public static (byte[] Bytes, int Pages) DenialLetter(ReleaseRequest request, IReadOnlyList<DenialGround> grounds, DenyRequestCommand command, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(grounds);
        ArgumentNullException.ThrowIfNull(command);
        var partial = !string.IsNullOrWhiteSpace(command.PartialAccess);
        var paragraphs = new List<string>
        {
            partial
                ? $"We have reviewed your request {request.Display} for health information. We are denying part of it, for the reasons below."
                : $"We have reviewed your request {request.Display} for health information. We are denying it, for the reasons below.",
        };
        paragraphs.AddRange(grounds.Select(g => $"- {g.LetterText} ({g.Citation})"));
        if (!string.IsNullOrWhiteSpace(command.Explanation))
        {
            paragraphs.Add(command.Explanation.Trim());
        }

        if (partial)
        {
            paragraphs.Add($"You still have the right to the rest of the information you asked for, and we will provide it: {command.PartialAccess!.Trim()} " +
                           "(45 CFR 164.524(d)(1)).");
        }

        if (grounds.Any(g => g.Reviewable))
        {
            paragraphs.Add("Your right to a review. You may ask to have this denial reviewed by a licensed health care professional chosen by the hospital " +
                           "who did not take part in the original decision. To ask for a review, write to the contact below and say that you want the denial " +
                           $"of request {request.Display} reviewed. We will send your request to the reviewer promptly, and tell you the reviewer's decision in " +
                           "writing. We will follow that decision (45 CFR 164.524(a)(4), (d)(4)).");
        }
        else if (RequesterRules.For(request.RequesterType).Individual)
        {
            paragraphs.Add("This denial is not subject to review under 45 CFR 164.524(a)(1) and (a)(2).");
        }

        paragraphs.Add($"How to complain. You may complain to the hospital: {command.ReviewContact.Trim()}. You may also complain to the Secretary of the " +
                       "U.S. Department of Health and Human Services, Office for Civil Rights, 200 Independence Avenue SW, Washington, DC 20201, " +
                       "telephone 1-800-368-1019, or online at www.hhs.gov/ocr/complaints. We will not retaliate against you for filing a complaint (45 CFR 164.524(d)(2)(iii)).");
        return LetterPages.Write(new LetterContent(RoiAuthorizationErrors.From, RoiAuthorizationErrors.AddressLines(request), today,
            partial ? "Your request for health information is denied in part" : "Your request for health information is denied", paragraphs, request.Display));
    }
}
