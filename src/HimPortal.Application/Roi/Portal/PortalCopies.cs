using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Roi.Fees;
using HimPortal.Application.Roi.LogRequest;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Portal;

/// <summary>What the patient asks for in the portal: everything, or some kinds of records in a period; the form; for a copy sent elsewhere, who gets it.</summary>
/// <param name="What"><see cref="PortalCopies.Everything"/> or <see cref="PortalCopies.Some"/>.</param>
/// <param name="Kinds">The kinds of records (<see cref="PortalCopies.Kinds"/>) when <paramref name="What"/> is some.</param>
/// <param name="Format"><see cref="PortalCopies.Pdf"/>, <see cref="PortalCopies.Fhir"/> or <see cref="PortalCopies.Both"/>.</param>
/// <param name="RecipientName">A copy sent to someone else (45 CFR 164.524(c)(3)(ii)): who gets it; null for the patient's own copy.</param>
public sealed record CopyChoice(
    string What,
    DateOnly? From,
    DateOnly? To,
    IReadOnlyList<string> Kinds,
    string Format,
    string? RecipientName = null,
    string? RecipientAddress = null,
    string? RecipientEmail = null)
{
    public bool ToSomeoneElse => !string.IsNullOrWhiteSpace(RecipientName) || !string.IsNullOrWhiteSpace(RecipientEmail);
}

/// <summary>A kind of record the patient can tick, in their words, and the chart sections of ROI's scope it stands for.</summary>
public sealed record CopyKind(string Code, string Words, IReadOnlyList<string> Sections);

/// <summary>One line of the fee the patient sees before confirming.</summary>
public sealed record CopyFeeLine(string Description, int AmountCents);

/// <summary>The fee for the copy as asked, told before the patient confirms (45 CFR 164.524(c)(4)).</summary>
/// <param name="PerPage">Part of the fee is per page and the pages are known only once the copy is made (a state's electronic rate).</param>
/// <param name="Refusal">Why this cannot be asked for through the portal (a paper copy to a third party).</param>
public sealed record CopyQuote(IReadOnlyList<CopyFeeLine> Lines, int TotalCents, string Basis, bool PerPage, string? Refusal)
{
    public string Total => RoiAudit.Money(TotalCents);

    public bool IsFree => TotalCents == 0 && !PerPage;
}

/// <summary>
/// The patient portal's copies (issue 19 item 4): what a patient can ask for, in plain words, turned into release of
/// information's request fields, so a portal request is an ordinary right-of-access request in the ROI worklist
/// (45 CFR 164.524), on the same clock (<see cref="RequestClock"/>), fee rules (<see cref="FeeCalculator"/>) and packet
/// rules (psychotherapy notes are never part of the right of access, 164.524(a)(1)(i), whatever "everything" says).
/// </summary>
public static class PortalCopies
{
    public const string Everything = "everything";
    public const string Some = "some";
    public const string Pdf = "pdf";
    public const string Fhir = "fhir-json";
    public const string Both = "both";

    /// <summary>Who asks, as the ROI request records it.</summary>
    public static readonly IReadOnlyList<string> RequesterTypes =
        [Data.Roi.RequesterTypes.Patient, Data.Roi.RequesterTypes.PersonalRepresentative, Data.Roi.RequesterTypes.PatientDirected];

    public static readonly IReadOnlyList<CopyKind> Kinds =
    [
        new("visits", "Visits and stays", ["encounters"]),
        new("results", "Test results and imaging", ["lab-results", "imaging", "other-observations"]),
        new("notes", "Notes and documents", ["documents"]),
        new("medications", "Medications", ["medications"]),
        new("problems", "Health problems", ["problems"]),
        new("allergies", "Allergies", ["allergies"]),
        new("immunizations", "Vaccinations", ["immunizations"]),
        new("procedures", "Procedures", ["procedures"]),
        new("vital-signs", "Vital signs (blood pressure, weight…)", ["vital-signs"]),
    ];

    /// <summary>The ROI formats one choice asks for: "both" is two copies, a PDF and a FHIR file.</summary>
    public static IReadOnlyList<string> Formats(string format) => format switch
    {
        Both => [ReleaseFormats.Pdf, ReleaseFormats.FhirJson],
        Fhir => [ReleaseFormats.FhirJson],
        _ => [ReleaseFormats.Pdf],
    };

    public static string FormatWords(string format) => format switch
    {
        ReleaseFormats.FhirJson => "a computer file (FHIR)",
        ReleaseFormats.Paper => "paper",
        _ => "a PDF document",
    };

    /// <summary>Where a request is, in the patient's words.</summary>
    public static string StatusWords(ReleaseRequest request, bool downloadable)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Status switch
        {
            RequestStatuses.Received => "Received",
            RequestStatuses.Delivered when request.RequesterType == Data.Roi.RequesterTypes.PatientDirected => "Sent",
            RequestStatuses.Delivered when downloadable => "Ready to download",
            RequestStatuses.Delivered => "Sent",
            RequestStatuses.Denied => "Denied",
            RequestStatuses.Withdrawn => "Withdrawn",
            RequestStatuses.WaitingForInformation => "In progress: we need something from you, and will contact you",
            _ => "In progress",
        };
    }

    /// <summary>The request's scope: the designated record set for everything, else the sections and the period.</summary>
    public static (string Kind, IReadOnlyList<string> Sections) Scope(CopyChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return choice.What == Everything
            ? (ScopeKinds.DesignatedRecordSet, [])
            : (ScopeKinds.Specific, [.. Kinds.Where(k => choice.Kinds.Contains(k.Code)).SelectMany(k => k.Sections).Distinct()]);
    }

    /// <summary>The request as ROI logs it, for one of the choice's formats.</summary>
    public static RequestFields Fields(CopyChoice choice, string format, PortalRequester requester, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(requester);
        var (kind, sections) = Scope(choice);
        var specific = kind == ScopeKinds.Specific;
        var directed = choice.ToSomeoneElse;
        return new RequestFields(
            directed ? Data.Roi.RequesterTypes.PatientDirected : requester.Type,
            directed ? choice.RecipientName!.Trim() : requester.Name,
            null,
            directed ? choice.RecipientAddress : null,
            directed ? choice.RecipientEmail : requester.Email,
            null,
            directed ? "At the direction of the individual (patient portal)" : "At the request of the individual (patient portal)",
            kind,
            specific ? choice.From : null,
            specific ? choice.To : null,
            [],
            [],
            sections,
            format,
            // The portal is the secure download for the patient; a third party gets ROI's expiring link by e-mail.
            DeliveryMethods.SecureDownload,
            false,
            now,
            requester.Verification,
            requester.Type == Data.Roi.RequesterTypes.PersonalRepresentative,
            null,
            false,
            null,
            null,
            false,
            null,
            []);
    }

    /// <summary>The fee for the choice, from ROI's rules: the patient rate, or the rules of a patient's direction to a third party.</summary>
    public static async Task<CopyQuote> QuoteAsync(HimDbContext db, CopyChoice choice, string requesterType, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(choice);
        var settings = await db.RoiSettings.AsNoTracking().SingleAsync(ct);
        var state = await db.StateRules.AsNoTracking().SingleOrDefaultAsync(s => s.StateCode == settings.HospitalState && s.Active, ct);
        var type = choice.ToSomeoneElse ? Data.Roi.RequesterTypes.PatientDirected : requesterType;
        var lines = new List<CopyFeeLine>();
        var bases = new List<string>();
        var perPage = false;
        foreach (var format in Formats(choice.Format))
        {
            // Pages are unknown before the copy is made: a per-page line (a state's electronic rate) is shown as per page.
            var calculation = FeeCalculator.Calculate(new FeeInput(type, format, DeliveryMethods.SecureDownload, 0, false, settings, state));
            if (calculation.Refusal is { } refusal)
            {
                return new CopyQuote([], 0, calculation.Basis, false, refusal);
            }

            foreach (var line in calculation.Lines)
            {
                var pageRate = line.Quantity == 0 && line.UnitCents > 0;
                perPage |= pageRate;
                lines.Add(new CopyFeeLine(
                    (Formats(choice.Format).Count > 1 ? FormatWords(format) + ": " : "") + line.Description
                    + (pageRate ? $" ({RoiAudit.Money(line.UnitCents)} a page, counted when the copy is made)" : ""), line.AmountCents));
            }

            bases.Add(calculation.Basis);
        }

        return new CopyQuote(lines, lines.Sum(l => l.AmountCents), string.Join("; ", bases.Distinct()), perPage, null);
    }
}

/// <summary>Who asks through the portal, as the request records them: the patient, or their personal representative.</summary>
public sealed record PortalRequester(string Type, string Name, string? Email, string Verification)
{
    /// <summary>From the gate's entry: a representative is named from their grant, and the grant is the authority checked (45 CFR 164.502(g)).</summary>
    public static async Task<PortalRequester> OfAsync(HimDbContext db, ChartEntry entry, Guid? userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(entry);
        var email = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(ct);
        if (entry.Proxy is { } proxy)
        {
            var grant = await db.ProxyGrants.AsNoTracking().SingleAsync(g => g.Id == proxy.GrantId, ct);
            return new PortalRequester(Data.Roi.RequesterTypes.PersonalRepresentative, $"{grant.RepresentativeName} {grant.RepresentativeFamilyName}".Trim(), email,
                $"Patient portal account, signed in; personal representative ({grant.Relationship}) under proxy grant {grant.Id:D}, "
                + $"authority document on file: {grant.AuthorityDocument} (45 CFR 164.502(g), 164.514(h))");
        }

        return new PortalRequester(Data.Roi.RequesterTypes.Patient, $"{entry.Patient.GivenNames} {entry.Patient.FamilyName}".Trim(), email,
            "Patient portal account, signed in; the account belongs to the patient (identity proofed at activation, 45 CFR 164.514(h))");
    }
}

/// <summary>The rules of a choice, in words a patient can act on.</summary>
public sealed class CopyChoiceValidator : AbstractValidator<CopyChoice>
{
    public CopyChoiceValidator(TimeProvider time)
    {
        RuleFor(c => c.What).Must(w => w is PortalCopies.Everything or PortalCopies.Some).WithMessage("Choose everything, or which records.");
        RuleFor(c => c).Must(c => c.Kinds.Count > 0 || c.From is not null || c.To is not null).When(c => c.What == PortalCopies.Some)
            .WithName(nameof(CopyChoice.Kinds)).WithMessage("Tick at least one kind of record, or give dates.");
        RuleForEach(c => c.Kinds).Must(k => PortalCopies.Kinds.Any(x => x.Code == k)).WithMessage("Choose kinds of records from the list.");
        RuleFor(c => c).Must(c => c.From <= c.To).When(c => c.From is not null && c.To is not null)
            .WithName(nameof(CopyChoice.To)).WithMessage("The end date is before the start date.");
        RuleFor(c => c.To).Must(t => t is null || t.Value <= DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime.AddDays(1)))
            .WithMessage("The end date is in the future.");
        RuleFor(c => c.Format).Must(f => f is PortalCopies.Pdf or PortalCopies.Fhir or PortalCopies.Both).WithMessage("Choose the form of the copy.");
        RuleFor(c => c.RecipientName).NotEmpty().When(c => c.ToSomeoneElse).WithMessage("Enter the name of the person or organization to send the copy to.")
            .MaximumLength(200);
        RuleFor(c => c.RecipientEmail).NotEmpty().When(c => c.ToSomeoneElse).WithMessage("Enter the e-mail address the copy goes to.");
        RuleFor(c => c.RecipientEmail).EmailAddress().MaximumLength(254).When(c => !string.IsNullOrWhiteSpace(c.RecipientEmail))
            .WithMessage("Enter a valid e-mail address.");
        RuleFor(c => c.RecipientAddress).MaximumLength(500);
    }
}
