using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Roi;

// Release of information (issue 17, ADR 0030). One schema, `roi`: requests and their timeline, authorizations and their
// element-by-element check, letters, fees, packets, delivery, and the accounting of disclosures (45 CFR 164.528).
// What the law makes evidence is append-only in PostgreSQL: the timeline, downloads and the accounting.

/// <summary>Who asks, stored as the constants' text. What each type means for the clock, fees and the accounting is in Application/Roi/RequesterRules.</summary>
public static class RequesterTypes
{
    /// <summary>The individual's own request (45 CFR 164.524).</summary>
    public const string Patient = "patient";

    /// <summary>A personal representative (164.502(g)), with the document that proves the authority checked.</summary>
    public const string PersonalRepresentative = "personal-representative";

    /// <summary>The individual directing an electronic copy to a third party (164.524(c)(3)(ii)).</summary>
    public const string PatientDirected = "patient-directed";

    /// <summary>Any other third party with the patient's authorization (164.508).</summary>
    public const string AuthorizedThirdParty = "authorized-third-party";

    public const string Attorney = "attorney";
    public const string Insurer = "insurer";

    /// <summary>Another provider, for treatment (164.506(c)(2)): no authorization, no fee, no accounting, no minimum necessary.</summary>
    public const string ContinuityOfCare = "continuity-of-care";

    /// <summary>Social Security disability determination (with the SSA-827 authorization).</summary>
    public const string SocialSecurity = "social-security";

    /// <summary>Workers' compensation (164.512(l)).</summary>
    public const string WorkersCompensation = "workers-compensation";

    /// <summary>Public health authority (164.512(b)).</summary>
    public const string PublicHealth = "public-health";

    /// <summary>Health oversight agency (164.512(d)).</summary>
    public const string HealthOversight = "health-oversight";

    /// <summary>Law enforcement (164.512(f)).</summary>
    public const string LawEnforcement = "law-enforcement";

    /// <summary>An order of a court or administrative tribunal (164.512(e)(1)(i)).</summary>
    public const string CourtOrder = "court-order";

    /// <summary>A subpoena or discovery request without a court order: satisfactory assurances first (164.512(e)(1)(ii)).</summary>
    public const string Subpoena = "subpoena";

    public static readonly IReadOnlyList<string> All =
    [
        Patient, PersonalRepresentative, PatientDirected, AuthorizedThirdParty, Attorney, Insurer, ContinuityOfCare, SocialSecurity,
        WorkersCompensation, PublicHealth, HealthOversight, LawEnforcement, CourtOrder, Subpoena,
    ];

    internal static readonly string Check = $"requester_type IN ({string.Join(", ", All.Select(t => $"'{t}'"))})";
}

/// <summary>Where a request is. Stored as the constants' text.</summary>
public static class RequestStatuses
{
    public const string Received = "received";
    public const string Validating = "validating";

    /// <summary>Waiting for the requester: a deficient or revoked authorization, assurances, a proof of authority, payment.</summary>
    public const string WaitingForInformation = "waiting-for-information";

    public const string Processing = "processing";

    /// <summary>The packet is built and waits for its check (a second person when it holds sensitive content).</summary>
    public const string QualityCheck = "quality-check";

    public const string Ready = "ready";
    public const string Invoiced = "invoiced";
    public const string Delivered = "delivered";

    /// <summary>Denied, with a denial letter (164.524(a)(2)–(3), (d)).</summary>
    public const string Denied = "denied";

    public const string Withdrawn = "withdrawn";

    public static readonly IReadOnlyList<string> All =
        [Received, Validating, WaitingForInformation, Processing, QualityCheck, Ready, Invoiced, Delivered, Denied, Withdrawn];

    /// <summary>Statuses a request leaves no more: its clock has stopped.</summary>
    public static readonly IReadOnlyList<string> Closed = [Delivered, Denied, Withdrawn];

    internal static readonly string Check = $"status IN ({string.Join(", ", All.Select(t => $"'{t}'"))})";
}

/// <summary>What the request asks for. Stored as the constants' text.</summary>
public static class ScopeKinds
{
    /// <summary>The designated record set (164.501): what the right of access reaches.</summary>
    public const string DesignatedRecordSet = "designated-record-set";

    /// <summary>"The whole record" (as a requester writes it; never psychotherapy notes without their own authorization).</summary>
    public const string WholeRecord = "whole-record";

    /// <summary>Date ranges, encounters, document types and sections named in the request.</summary>
    public const string Specific = "specific";

    public static readonly IReadOnlyList<string> All = [DesignatedRecordSet, WholeRecord, Specific];
    internal static readonly string Check = $"scope_kind IN ({string.Join(", ", All.Select(t => $"'{t}'"))})";
}

/// <summary>The form and format of the copy (164.524(c)(2)). Stored as the constants' text.</summary>
public static class ReleaseFormats
{
    public const string Paper = "paper";
    public const string Pdf = "pdf";

    /// <summary>The record as a FHIR R4 Bundle (US Core), an electronic copy of electronic records.</summary>
    public const string FhirJson = "fhir-json";

    public static readonly IReadOnlyList<string> All = [Paper, Pdf, FhirJson];
    internal static readonly string Check = $"format IN ({string.Join(", ", All.Select(t => $"'{t}'"))})";
}

/// <summary>How the copy leaves. Stored as the constants' text.</summary>
public static class DeliveryMethods
{
    public const string SecureDownload = "secure-download";
    public const string Mail = "mail";
    public const string Pickup = "pickup";

    /// <summary>Unencrypted e-mail: only at the individual's request, after a warning of the risk (164.524(c)(2); 2013 Omnibus Rule preamble).</summary>
    public const string UnencryptedEmail = "unencrypted-email";

    public static readonly IReadOnlyList<string> All = [SecureDownload, Mail, Pickup, UnencryptedEmail];
    internal static readonly string Check = $"delivery IN ({string.Join(", ", All.Select(t => $"'{t}'"))})";
}

/// <summary>
/// A request for records: who asks, for whom, for what, in which form, by which date. The request's number is what
/// letters, invoices and every page footer carry ("ROI-000123"); its id never leaves HimPortal.
/// </summary>
public sealed class ReleaseRequest
{
    public Guid Id { get; set; }

    /// <summary>The request number, from an identity column: shown as <see cref="Display"/>.</summary>
    public long Number { get; set; }

    public Guid PatientId { get; set; }

    /// <summary><see cref="RequesterTypes"/>.</summary>
    public required string RequesterType { get; set; }

    /// <summary>The requester's name (a person or an organization's contact).</summary>
    public required string RequesterName { get; set; }

    public string? RequesterOrganization { get; set; }

    /// <summary>The postal address, as lines separated by newlines (mail delivery, letters, the accounting).</summary>
    public string? RequesterAddress { get; set; }

    public string? RequesterEmail { get; set; }
    public string? RequesterPhone { get; set; }

    /// <summary>The purpose as the requester gives it ("at the request of the individual", "litigation", "disability claim").</summary>
    public string? Purpose { get; set; }

    /// <summary><see cref="ScopeKinds"/>.</summary>
    public required string ScopeKind { get; set; }

    public DateOnly? ScopeFrom { get; set; }
    public DateOnly? ScopeTo { get; set; }

    /// <summary>Encounters asked for (clinical.encounters ids); empty for all within the dates.</summary>
    public Guid[] ScopeEncounterIds { get; set; } = [];

    /// <summary>Document types asked for, as LOINC codes; empty for all.</summary>
    public string[] ScopeDocumentTypes { get; set; } = [];

    /// <summary>Chart sections asked for (Application/Access/ChartSections names: "results", "medications", …); empty for all.</summary>
    public string[] ScopeSections { get; set; } = [];

    /// <summary><see cref="ReleaseFormats"/>.</summary>
    public required string Format { get; set; }

    /// <summary><see cref="DeliveryMethods"/>.</summary>
    public required string Delivery { get; set; }

    /// <summary>When the individual chose unencrypted e-mail: when they were warned and still asked for it.</summary>
    public DateTimeOffset? UnencryptedEmailWarnedAt { get; set; }

    /// <summary>When the request reached the hospital (the clock's start), which may be before it was logged.</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>How the requester's identity (and a representative's authority) was verified (164.514(h)).</summary>
    public string? IdentityVerification { get; set; }

    /// <summary>A personal representative's authority (a power of attorney, guardianship, letters of administration) was checked against its document.</summary>
    public bool RepresentativeAuthorityChecked { get; set; }

    /// <summary><see cref="RequestStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>Why it is in its status (what is waited for, the denial's grounds, why it was withdrawn).</summary>
    public string? StatusReason { get; set; }

    /// <summary>The authorization the release relies on now (a corrected one replaces a deficient one).</summary>
    public Guid? AuthorizationId { get; set; }

    /// <summary>The code of the clock rule that sets the due date (Common/Clocks, or "StateRule:XX", "Policy", "ReturnDate").</summary>
    public string? ClockRule { get; set; }

    /// <summary>The rule in words with its citation, as shown beside every date ("45 CFR 164.524(b)(2): 30 days after receipt").</summary>
    public string? ClockCitation { get; set; }

    /// <summary>The last day to act, in the hospital's time zone, extension included.</summary>
    public DateOnly? DueDay { get; set; }

    /// <summary>The instant the last day ends (the worklist's sort key for due soon and overdue).</summary>
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>The extension notice (164.524(b)(2)(ii)): when it went out, with its reasons; at most one.</summary>
    public DateTimeOffset? ExtensionNoticeAt { get; set; }

    public string? ExtensionReason { get; set; }

    /// <summary>Legal process: the return date of a subpoena or order.</summary>
    public DateOnly? ReturnDate { get; set; }

    /// <summary>Legal process: a custodian-of-records certification or affidavit is asked for.</summary>
    public bool CertificationRequested { get; set; }

    /// <summary>Legal process: objections or motions to quash noted.</summary>
    public string? LegalObjections { get; set; }

    /// <summary>A subpoena without a court order: the satisfactory assurances of 164.512(e)(1)(ii)–(v) were received (notice to the individual, or a qualified protective order).</summary>
    public string? SatisfactoryAssurances { get; set; }

    /// <summary>A court order under 42 CFR 2.64 covers records of a Part 2 program (a subpoena alone never does).</summary>
    public bool Part2CourtOrder { get; set; }

    /// <summary>Legal process: a motion to quash (or another objection the court must resolve) is pending; nothing is released until it is resolved (45 CFR 164.512(e)(1)(iii)(C)).</summary>
    public bool QuashMotionPending { get; set; }

    /// <summary>A court order: the sensitivity label codes it expressly names; an order releases only what it expressly authorizes (45 CFR 164.512(e)(1)(i)).</summary>
    public string[] OrderCoversLabels { get; set; } = [];

    /// <summary>
    /// Sensitivity label codes this requester may not receive, whatever else covers them: set when a personal
    /// representative whose grant hides the minor's own care asks in the portal (MINORCNS: a parent is not the
    /// representative for care the minor lawfully consented to alone, 45 CFR 164.502(g)(3)). The packet leaves such
    /// items out and the specialist cannot add them back. Empty for every other request.
    /// </summary>
    public string[] HiddenLabels { get; set; } = [];

    /// <summary>The US state (two letters) whose law governs the request's deadline and fees; the hospital's by default.</summary>
    public required string StateCode { get; set; }

    public Guid? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the packet was delivered (turnaround is this minus <see cref="ReceivedAt"/>).</summary>
    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>When the request was closed: delivered, denied or withdrawn.</summary>
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Optimistic concurrency: PostgreSQL's xmin.</summary>
    public uint Version { get; set; }

    public string Display => FormatNumber(Number);

    public static string FormatNumber(long number) => $"ROI-{number:D6}";
}

/// <summary>What a linked document is to the request. Stored as the constants' text.</summary>
public static class RequestDocumentRoles
{
    public const string RequestLetter = "request-letter";
    public const string Authorization = "authorization";

    /// <summary>Proof of a personal representative's authority.</summary>
    public const string Authority = "authority";

    public const string CourtOrder = "court-order";
    public const string Subpoena = "subpoena";

    /// <summary>Satisfactory assurances (164.512(e)(1)(ii)) or a qualified protective order.</summary>
    public const string Assurances = "assurances";

    /// <summary>An agency's statement asking to suspend a patient's accounting (164.528(a)(2)).</summary>
    public const string SuspensionStatement = "suspension-statement";

    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [RequestLetter, Authorization, Authority, CourtOrder, Subpoena, Assurances, SuspensionStatement, Other];
    internal static readonly string Check = $"role IN ({string.Join(", ", All.Select(t => $"'{t}'"))})";
}

/// <summary>A scanned document from document intake (the request letter, the authorization form, an order) attached to a request.</summary>
public sealed class RequestDocument
{
    public long Id { get; set; }
    public Guid RequestId { get; set; }

    /// <summary>documents.scanned_documents.id.</summary>
    public Guid DocumentId { get; set; }

    /// <summary><see cref="RequestDocumentRoles"/>.</summary>
    public required string Role { get; set; }

    public DateTimeOffset AttachedAt { get; set; }
    public Guid? AttachedByUserId { get; set; }
}

/// <summary>One step of a request's timeline: append-only (PostgreSQL refuses updates and deletes).</summary>
public sealed class RequestEvent
{
    public long Id { get; set; }
    public Guid RequestId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>What happened, short and stable ("logged", "status", "authorization-checked", "letter", "invoice", "payment", "packet-built", "packet-checked", "delivered", "download", "extension").</summary>
    public required string Kind { get; set; }

    public string? FromStatus { get; set; }
    public string? ToStatus { get; set; }

    /// <summary>What a person reads in the timeline. No patient values beyond what the request itself holds.</summary>
    public required string Note { get; set; }

    public Guid? UserId { get; set; }

    /// <summary>The user's display name when the event was written (accounts can be renamed).</summary>
    public string? UserName { get; set; }
}

/// <summary>Where an authorization stands. Stored as the constants' text.</summary>
public static class AuthorizationStatuses
{
    /// <summary>Logged, not yet checked element by element.</summary>
    public const string Unchecked = "unchecked";

    public const string Valid = "valid";

    /// <summary>Defective (164.508(b)(2)): a deficiency letter lists what is missing.</summary>
    public const string Deficient = "deficient";

    /// <summary>Revoked in writing (164.508(b)(5)): every pending release under it stops.</summary>
    public const string Revoked = "revoked";

    /// <summary>Replaced by a corrected authorization.</summary>
    public const string Superseded = "superseded";

    public static readonly IReadOnlyList<string> All = [Unchecked, Valid, Deficient, Revoked, Superseded];
    internal static readonly string Check = $"status IN ({string.Join(", ", All.Select(t => $"'{t}'"))})";
}

/// <summary>
/// A patient's authorization (45 CFR 164.508) as read from the scanned form, and its check: each element of 164.508(c)
/// confirmed or found missing by the specialist (<see cref="Elements"/>), the defects of 164.508(b)(2) HimPortal can see
/// for itself, and what sensitive information it expressly covers.
/// </summary>
public sealed class Authorization
{
    public Guid Id { get; set; }
    public Guid PatientId { get; set; }

    /// <summary>The scanned form (documents.scanned_documents.id).</summary>
    public Guid? DocumentId { get; set; }

    /// <summary>The specific and meaningful description of the information (164.508(c)(1)(i)).</summary>
    public string? Description { get; set; }

    /// <summary>Who may disclose (164.508(c)(1)(ii)).</summary>
    public string? Discloser { get; set; }

    /// <summary>Who may receive (164.508(c)(1)(iii)).</summary>
    public string? Recipient { get; set; }

    /// <summary>The purpose ("at the request of the individual" suffices when the individual starts it) (164.508(c)(1)(iv)).</summary>
    public string? Purpose { get; set; }

    /// <summary>The expiration date (164.508(c)(1)(v)); or <see cref="ExpirationEvent"/>.</summary>
    public DateOnly? ExpiresOn { get; set; }

    public string? ExpirationEvent { get; set; }

    /// <summary>The date signed (164.508(c)(1)(vi)).</summary>
    public DateOnly? SignedOn { get; set; }

    /// <summary>Signed by a personal representative: their description of authority is required (164.508(c)(1)(vi)).</summary>
    public string? RepresentativeName { get; set; }

    public string? RepresentativeAuthority { get; set; }

    /// <summary>A separate authorization for psychotherapy notes (164.508(a)(2)): never combined with another but another psychotherapy-notes one.</summary>
    public bool CoversPsychotherapyNotes { get; set; }

    /// <summary>A 42 CFR Part 2 consent (2.31) covering records of a Part 2 program.</summary>
    public bool CoversPart2 { get; set; }

    /// <summary>Part 2 SUD counselling notes need their own consent (2.31(b)).</summary>
    public bool CoversSudCounselingNotes { get; set; }

    /// <summary>Sensitivity label codes the authorization expressly covers (HIV, behavioural health, genetic testing, …).</summary>
    public string[] CoversLabels { get; set; } = [];

    /// <summary>
    /// The check, as JSON (jsonb): one entry per element of 164.508(c) and defect of 164.508(b)(2), keyed by the element's
    /// code (Application/Roi authorization elements), each <c>{"state":"confirmed|missing|not-applicable","note":…,"by":…,"at":…}</c>.
    /// </summary>
    public string Elements { get; set; } = "{}";

    /// <summary><see cref="AuthorizationStatuses"/>.</summary>
    public required string Status { get; set; }

    public DateTimeOffset? CheckedAt { get; set; }
    public Guid? CheckedByUserId { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>How the revocation arrived (the written revocation's document, date received).</summary>
    public string? RevocationNote { get; set; }

    /// <summary>The deficient authorization this one corrects.</summary>
    public Guid? SupersedesId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedByUserId { get; set; }

    public uint Version { get; set; }
}

/// <summary>The letters a request produces. Stored as the constants' text.</summary>
public static class LetterKinds
{
    /// <summary>What the authorization lacks (164.508(b)(2)).</summary>
    public const string AuthorizationDeficiency = "authorization-deficiency";

    /// <summary>A denial with its grounds and, for reviewable grounds, the right to a review (164.524(d)).</summary>
    public const string Denial = "denial";

    /// <summary>The written notice of a 30-day extension (164.524(b)(2)(ii)).</summary>
    public const string ExtensionNotice = "extension-notice";

    public const string CoverLetter = "cover-letter";
    public const string Invoice = "invoice";

    /// <summary>A custodian-of-records certification or affidavit (legal process).</summary>
    public const string Certification = "certification";

    public const string MailingLabel = "mailing-label";
    public const string EvidencePack = "evidence-pack";

    /// <summary>A patient's accounting of disclosures (164.528).</summary>
    public const string Accounting = "accounting";

    public static readonly IReadOnlyList<string> All =
        [AuthorizationDeficiency, Denial, ExtensionNotice, CoverLetter, Invoice, Certification, MailingLabel, EvidencePack, Accounting];

    internal static readonly string Check = $"kind IN ({string.Join(", ", All.Select(t => $"'{t}'"))})";
}

/// <summary>A letter written for a request, kept as the PDF that went out (documents.objects) and never rewritten.</summary>
public sealed class RoiLetter
{
    public Guid Id { get; set; }

    /// <summary>The request, or null for a patient's accounting.</summary>
    public Guid? RequestId { get; set; }

    public Guid PatientId { get; set; }

    /// <summary><see cref="LetterKinds"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>The PDF in the document store.</summary>
    public Guid ObjectId { get; set; }

    public required byte[] Sha256 { get; set; }
    public int PageCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedByUserId { get; set; }

    /// <summary>When and how it went out (mail, e-mail, handed over, in the packet).</summary>
    public DateTimeOffset? SentAt { get; set; }

    public string? SentBy { get; set; }
}

/// <summary>
/// A state's law on releases (a hospital configures the states it serves): a deadline shorter than HIPAA's for the
/// individual's own requests, a deadline for third parties, and the fee schedule for third-party copies.
/// </summary>
public sealed class StateRule
{
    /// <summary>Two letters, upper case: "TX".</summary>
    public required string StateCode { get; set; }

    public required string Name { get; set; }

    /// <summary>Days to answer the individual's own request, when shorter than 30 (45 CFR 160.203(b)).</summary>
    public int? IndividualAccessDays { get; set; }

    /// <summary>Business days instead of calendar days for <see cref="IndividualAccessDays"/>.</summary>
    public bool IndividualAccessBusinessDays { get; set; }

    /// <summary>Days to answer a third party's request under an authorization, where the state sets them.</summary>
    public int? ThirdPartyDays { get; set; }

    /// <summary>The statute or regulation for the deadlines and the schedule.</summary>
    public required string Citation { get; set; }

    /// <summary>
    /// The third-party per-page schedule as JSON (jsonb): an array of <c>{"from":1,"to":20,"cents":100}</c> tiers (to null
    /// for "and above"), for paper copies; electronic copies use <see cref="ElectronicPageCents"/>.
    /// </summary>
    public string PageTiers { get; set; } = "[]";

    public int? ElectronicPageCents { get; set; }

    /// <summary>A search and retrieval (or "basic") fee for third parties, where the state allows one.</summary>
    public int RetrievalFeeCents { get; set; }

    public int CertificationFeeCents { get; set; }

    /// <summary>A cap on the total for third parties, where the state sets one.</summary>
    public int? MaxFeeCents { get; set; }

    public bool Active { get; set; } = true;
    public uint Version { get; set; }
}

/// <summary>The patient-rate methods OCR allows for the individual's own copies (45 CFR 164.524(c)(4); OCR's 2016 guidance).</summary>
public static class PatientFeeMethods
{
    public const string ActualCost = "actual";
    public const string AverageCost = "average";

    /// <summary>A flat fee of up to $6.50 for electronic copies of electronic records.</summary>
    public const string Flat = "flat";

    public static readonly IReadOnlyList<string> All = [ActualCost, AverageCost, Flat];
    internal static readonly string Check = $"patient_fee_method IN ({string.Join(", ", All.Select(t => $"'{t}'"))})";
}

/// <summary>The hospital's release-of-information policy: one row (id 1), changed by HIM managers.</summary>
public sealed class RoiSettings
{
    public int Id { get; set; } = 1;

    /// <summary>The hospital's state: the default for a request's <see cref="ReleaseRequest.StateCode"/>.</summary>
    public string HospitalState { get; set; } = "MA";

    /// <summary>Days the hospital's policy gives third-party requests where no state rule or return date sets a deadline.</summary>
    public int PolicyDays { get; set; } = 30;

    /// <summary><see cref="PatientFeeMethods"/>.</summary>
    public string PatientFeeMethod { get; set; } = PatientFeeMethods.Flat;

    /// <summary>The flat fee for the individual's electronic copy of electronic records (at most 650).</summary>
    public int PatientFlatFeeCents { get; set; } = 650;

    /// <summary>Labour for copying, per page, for paper records copied (actual or average cost: never for records kept electronically).</summary>
    public int PatientLaborPageCents { get; set; } = 10;

    /// <summary>Supplies: paper per page, a CD or USB drive.</summary>
    public int PaperPageCents { get; set; } = 5;

    public int MediaCents { get; set; } = 300;

    /// <summary>Postage is charged at cost when the individual asks for mail.</summary>
    public int PostageCents { get; set; } = 150;

    /// <summary>The average labour cost of an electronic copy (average-cost method), per request.</summary>
    public int PatientAverageElectronicCents { get; set; } = 650;

    /// <summary>Requester types never charged (continuity of care and Social Security by default).</summary>
    public string[] FeeWaivedRequesterTypes { get; set; } = [RequesterTypes.ContinuityOfCare, RequesterTypes.SocialSecurity];

    /// <summary>A release waits for its copy fee (never for continuity of care, never for an unpaid medical bill).</summary>
    public bool ReleaseWaitsForPayment { get; set; } = true;

    /// <summary>A secure download link lasts this many days…</summary>
    public int DownloadLinkDays { get; set; } = 30;

    /// <summary>…and serves at most this many downloads.</summary>
    public int DownloadLinkMaxDownloads { get; set; } = 3;

    /// <summary>Sensitivity label codes left out of every packet unless the authorization or order covers them (beyond the built-in ones).</summary>
    public string[] ExtraRestrictedLabels { get; set; } = [];

    public uint Version { get; set; }
}

/// <summary>One line of a fee calculation, kept as it was shown.</summary>
public sealed record FeeLine(string Description, int Quantity, int UnitCents, int AmountCents, string Rule);

/// <summary>An invoice: the fee calculation shown and kept (<see cref="Lines"/>), as a PDF.</summary>
public sealed class Invoice
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }

    /// <summary>The invoice number from an identity column ("INV-000042").</summary>
    public long Number { get; set; }

    /// <summary>The calculation as JSON (jsonb): an array of <see cref="FeeLine"/>.</summary>
    public required string Lines { get; set; }

    public int TotalCents { get; set; }

    /// <summary>The basis in words: "patient rate, flat fee for an electronic copy (OCR 2016)", "TX third-party schedule".</summary>
    public required string Basis { get; set; }

    /// <summary>The invoice PDF (roi.letters), once written.</summary>
    public Guid? LetterId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedByUserId { get; set; }

    /// <summary>Voided invoices stay (a corrected one is a new invoice).</summary>
    public DateTimeOffset? VoidedAt { get; set; }

    public uint Version { get; set; }
}

public sealed class Payment
{
    public Guid Id { get; set; }
    public Guid InvoiceId { get; set; }
    public int AmountCents { get; set; }

    /// <summary>check, card, cash, waived, …</summary>
    public required string Method { get; set; }

    public string? Reference { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public Guid? RecordedByUserId { get; set; }
}

/// <summary>Where a packet is. Stored as the constants' text.</summary>
public static class PacketStatuses
{
    public const string Queued = "queued";
    public const string Building = "building";
    public const string Built = "built";

    /// <summary>Checked (by a second person when it holds sensitive content) and ready to release.</summary>
    public const string Checked = "checked";

    /// <summary>Released: never changed again; re-sent byte-identical.</summary>
    public const string Released = "released";

    public const string Failed = "failed";

    /// <summary>Replaced by a rebuilt packet before release.</summary>
    public const string Discarded = "discarded";

    public static readonly IReadOnlyList<string> All = [Queued, Building, Built, Checked, Released, Failed, Discarded];
    internal static readonly string Check = $"status IN ({string.Join(", ", All.Select(t => $"'{t}'"))})";
}

/// <summary>A built release: one PDF (or FHIR Bundle) with its manifest, built by a job, unchanged once released.</summary>
public sealed class Packet
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }

    /// <summary><see cref="PacketStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary><see cref="ReleaseFormats"/> of what was built.</summary>
    public required string Format { get; set; }

    /// <summary>The job building it (jobs.jobs id).</summary>
    public Guid? JobId { get; set; }

    /// <summary>The packet's bytes in the document store.</summary>
    public Guid? ObjectId { get; set; }

    public byte[]? Sha256 { get; set; }
    public long? Length { get; set; }
    public int? PageCount { get; set; }

    /// <summary>The manifest as JSON (jsonb): every item with its SHA-256, and the packet's own hash.</summary>
    public string? Manifest { get; set; }

    /// <summary>It holds sensitive content (a labelled segment the authorization covers): a second person checks it.</summary>
    public bool ContainsSensitive { get; set; }

    public string? Problem { get; set; }

    public DateTimeOffset QueuedAt { get; set; }
    public Guid? QueuedByUserId { get; set; }
    public DateTimeOffset? BuiltAt { get; set; }
    public DateTimeOffset? CheckedAt { get; set; }
    public Guid? CheckedByUserId { get; set; }
    public DateTimeOffset? ReleasedAt { get; set; }

    public uint Version { get; set; }
}

/// <summary>One candidate item of a release: included, or left out with the reason (not in scope, sensitive, minimum necessary).</summary>
public sealed class PacketItem
{
    public long Id { get; set; }
    public Guid RequestId { get; set; }

    /// <summary>The FHIR resource type ("Encounter", "DocumentReference", "DiagnosticReport", "ScannedDocument", "Section").</summary>
    public required string ResourceType { get; set; }

    /// <summary>The item's id (a clinical row, a scanned document), or a section's name.</summary>
    public required string ResourceKey { get; set; }

    public required string Title { get; set; }
    public DateOnly? ItemDate { get; set; }
    public bool Included { get; set; }

    /// <summary>Why left out ("psychotherapy notes (164.524(a)(1)(i))", "42 CFR Part 2 without consent", "minimum necessary").</summary>
    public string? ExclusionReason { get; set; }

    /// <summary>Sensitivity label codes on the item.</summary>
    public string[] LabelCodes { get; set; } = [];

    public int Ordinal { get; set; }
    public Guid? DecidedByUserId { get; set; }
}

/// <summary>
/// A region removed from a page of an item before release: true removal (the page is rasterised and painted, or its
/// text left out), never a box drawn over text (issue 17 item 5). Coordinates are fractions of the page, origin top left.
/// </summary>
public sealed class Redaction
{
    public long Id { get; set; }
    public Guid RequestId { get; set; }
    public long PacketItemId { get; set; }

    /// <summary>The page of the item, from 1.</summary>
    public int Page { get; set; }

    public double X { get; set; }
    public double Y { get; set; }
    public double Width { get; set; }
    public double Height { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedByUserId { get; set; }

    /// <summary>Lifted before the packet was built (a redaction is never lifted from a released packet).</summary>
    public DateTimeOffset? RemovedAt { get; set; }
}

/// <summary>A secure download link: a random token, stored as its SHA-256 only, expiring, counting its downloads.</summary>
public sealed class DownloadLink
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    public Guid PacketId { get; set; }
    public required byte[] TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int MaxDownloads { get; set; }
    public int Downloads { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public uint Version { get; set; }
}

/// <summary>Each use of a download link, served or refused: append-only.</summary>
public sealed class DownloadEvent
{
    public long Id { get; set; }
    public Guid LinkId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>The client's address as the server saw it.</summary>
    public string? Address { get; set; }

    /// <summary>served, expired, exhausted, revoked.</summary>
    public required string Outcome { get; set; }
}

/// <summary>Proof of delivery: how the packet left and what shows it arrived (a tracking number, the pickup's identity check, a download).</summary>
public sealed class Delivery
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    public Guid? PacketId { get; set; }

    /// <summary><see cref="DeliveryMethods"/>.</summary>
    public required string Method { get; set; }

    public DateTimeOffset At { get; set; }
    public required string Proof { get; set; }
    public Guid? RecordedByUserId { get; set; }
}

/// <summary>Where a disclosure in the accounting came from. Stored as the constants' text.</summary>
public static class DisclosureSources
{
    /// <summary>Recorded automatically when a release was delivered.</summary>
    public const string Release = "release";

    /// <summary>Entered by hand: made outside HimPortal.</summary>
    public const string Manual = "manual";

    /// <summary>A misfiled page released in a packet (document intake).</summary>
    public const string Misfile = "misfile";

    /// <summary>An overlay disclosed (the master patient index).</summary>
    public const string Overlay = "overlay";

    public static readonly IReadOnlyList<string> All = [Release, Manual, Misfile, Overlay];
    internal static readonly string Check = $"source IN ({string.Join(", ", All.Select(t => $"'{t}'"))})";
}

/// <summary>
/// One disclosure in a patient's disclosure history, and in the accounting (45 CFR 164.528(b)(2)) when <see cref="Accountable"/>:
/// date, recipient and address, what, why. Append-only
/// in PostgreSQL, kept six years (164.530(j)); a correction is a new row that names the one it corrects.
/// </summary>
public sealed class Disclosure
{
    public Guid Id { get; set; }
    public Guid PatientId { get; set; }
    public DateTimeOffset DisclosedAt { get; set; }
    public required string RecipientName { get; set; }
    public string? RecipientAddress { get; set; }

    /// <summary>A brief description of the information disclosed.</summary>
    public required string Description { get; set; }

    /// <summary>A brief statement of the purpose, or (<see cref="RequestCopyDocumentId"/>) a copy of the written request.</summary>
    public required string Purpose { get; set; }

    /// <summary>The rule it was made under ("45 CFR 164.512(b)", "impermissible: misfiled page").</summary>
    public required string LegalBasis { get; set; }

    /// <summary><see cref="DisclosureSources"/>.</summary>
    public required string Source { get; set; }

    /// <summary>A disclosure in violation of the Privacy Rule (accounted for; also a possible breach).</summary>
    public bool Impermissible { get; set; }

    /// <summary>
    /// The accounting of 164.528 must list it. Every release is recorded here (the department's disclosure history), but
    /// the rule excludes some from the accounting (164.528(a)(1): to the individual, for treatment, payment and
    /// operations, under an authorization, …): those are kept with false and shown apart, never mixed into the list the
    /// rule requires.
    /// </summary>
    public bool Accountable { get; set; }

    public Guid? RequestId { get; set; }
    public Guid? RequestCopyDocumentId { get; set; }

    /// <summary>The row this one corrects (the accounting is never edited).</summary>
    public Guid? CorrectsId { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
    public Guid? RecordedByUserId { get; set; }
}

/// <summary>A health oversight or law enforcement agency's request to suspend the patient's accounting for a period (164.528(a)(2)).</summary>
public sealed class AccountingSuspension
{
    public Guid Id { get; set; }
    public Guid PatientId { get; set; }
    public required string Agency { get; set; }

    /// <summary>The agency's statement: written (with an end date), or oral (at most 30 days, 164.528(a)(2)(ii)).</summary>
    public required string Statement { get; set; }

    public bool Oral { get; set; }

    /// <summary>Disclosures to the agency from this date are withheld from the accounting…</summary>
    public DateOnly From { get; set; }

    /// <summary>…until this date.</summary>
    public DateOnly Until { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
    public Guid? RecordedByUserId { get; set; }
}

/// <summary>A patient's request for an accounting of disclosures (164.528(c)): answered within 60 days (+30 with notice), the first in 12 months free.</summary>
public sealed class AccountingRequest
{
    public Guid Id { get; set; }
    public Guid PatientId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The period asked for: at most six years before the request.</summary>
    public DateOnly PeriodFrom { get; set; }

    public DateOnly PeriodTo { get; set; }

    /// <summary>Where it came from: "staff", "portal".</summary>
    public required string Channel { get; set; }

    public DateOnly DueDay { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? ExtensionNoticeAt { get; set; }

    /// <summary>The fee (0 for the first in any 12 months; a reasonable cost-based fee after, told in advance).</summary>
    public int FeeCents { get; set; }

    /// <summary>The accounting as given (roi.letters).</summary>
    public Guid? LetterId { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public uint Version { get; set; }
}

internal sealed class ReleaseRequestConfiguration : IEntityTypeConfiguration<ReleaseRequest>
{
    public void Configure(EntityTypeBuilder<ReleaseRequest> builder)
    {
        builder.ToTable("requests", Schemas.Roi, t =>
        {
            t.HasCheckConstraint("ck_requests_requester_type", RequesterTypes.Check);
            t.HasCheckConstraint("ck_requests_status", RequestStatuses.Check);
            t.HasCheckConstraint("ck_requests_scope_kind", ScopeKinds.Check);
            t.HasCheckConstraint("ck_requests_format", ReleaseFormats.Check);
            t.HasCheckConstraint("ck_requests_delivery", DeliveryMethods.Check);
            t.HasCheckConstraint("ck_requests_state", "state_code ~ '^[A-Z]{2}$'");
        });
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Number).UseIdentityAlwaysColumn();
        builder.HasIndex(r => r.Number).IsUnique();
        builder.HasIndex(r => new { r.PatientId, r.ReceivedAt });
        // The worklist: by status, by due date (keyset on due_at, id), by requester type.
        builder.HasIndex(r => new { r.Status, r.DueAt, r.Id });
        builder.HasIndex(r => new { r.DueAt, r.Id }).HasFilter("closed_at IS NULL").HasDatabaseName("ix_requests_open_due");
        builder.HasIndex(r => new { r.RequesterType, r.DueAt, r.Id });
        builder.HasIndex(r => r.AuthorizationId);
        builder.HasOne<Patient>().WithMany().HasForeignKey(r => r.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Authorization>().WithMany().HasForeignKey(r => r.AuthorizationId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(r => r.RequesterType).HasMaxLength(32);
        builder.Property(r => r.RequesterName).HasMaxLength(200);
        builder.Property(r => r.RequesterOrganization).HasMaxLength(200);
        builder.Property(r => r.RequesterAddress).HasMaxLength(500);
        builder.Property(r => r.RequesterEmail).HasMaxLength(254);
        builder.Property(r => r.RequesterPhone).HasMaxLength(40);
        builder.Property(r => r.Purpose).HasMaxLength(500);
        builder.Property(r => r.ScopeKind).HasMaxLength(32);
        builder.Property(r => r.Format).HasMaxLength(16);
        builder.Property(r => r.Delivery).HasMaxLength(32);
        builder.Property(r => r.IdentityVerification).HasMaxLength(500);
        builder.Property(r => r.Status).HasMaxLength(32);
        builder.Property(r => r.StatusReason).HasMaxLength(2000);
        builder.Property(r => r.ClockRule).HasMaxLength(64);
        builder.Property(r => r.ClockCitation).HasMaxLength(400);
        builder.Property(r => r.ExtensionReason).HasMaxLength(2000);
        builder.Property(r => r.LegalObjections).HasMaxLength(2000);
        builder.Property(r => r.SatisfactoryAssurances).HasMaxLength(2000);
        builder.Property(r => r.StateCode).HasMaxLength(2).IsFixedLength();
        builder.Property(r => r.Version).IsRowVersion();
        builder.Ignore(r => r.Display);
    }
}

internal sealed class RequestDocumentConfiguration : IEntityTypeConfiguration<RequestDocument>
{
    public void Configure(EntityTypeBuilder<RequestDocument> builder)
    {
        builder.ToTable("request_documents", Schemas.Roi, t => t.HasCheckConstraint("ck_request_documents_role", RequestDocumentRoles.Check));
        builder.HasKey(d => d.Id);
        builder.HasIndex(d => new { d.RequestId, d.DocumentId, d.Role }).IsUnique();
        builder.HasIndex(d => d.DocumentId);
        builder.HasOne<ReleaseRequest>().WithMany().HasForeignKey(d => d.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ScannedDocument>().WithMany().HasForeignKey(d => d.DocumentId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(d => d.Role).HasMaxLength(32);
    }
}

internal sealed class RequestEventConfiguration : IEntityTypeConfiguration<RequestEvent>
{
    public void Configure(EntityTypeBuilder<RequestEvent> builder)
    {
        builder.ToTable("request_events", Schemas.Roi);
        builder.HasKey(e => e.Id);
        builder.HasIndex(e => new { e.RequestId, e.Id });
        builder.HasIndex(e => new { e.Kind, e.At });
        builder.HasOne<ReleaseRequest>().WithMany().HasForeignKey(e => e.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(e => e.Kind).HasMaxLength(32);
        builder.Property(e => e.FromStatus).HasMaxLength(32);
        builder.Property(e => e.ToStatus).HasMaxLength(32);
        builder.Property(e => e.Note).HasMaxLength(2000);
        builder.Property(e => e.UserName).HasMaxLength(200);
    }
}

internal sealed class AuthorizationConfiguration : IEntityTypeConfiguration<Authorization>
{
    public void Configure(EntityTypeBuilder<Authorization> builder)
    {
        builder.ToTable("authorizations", Schemas.Roi, t => t.HasCheckConstraint("ck_authorizations_status", AuthorizationStatuses.Check));
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => a.PatientId);
        builder.HasOne<Patient>().WithMany().HasForeignKey(a => a.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ScannedDocument>().WithMany().HasForeignKey(a => a.DocumentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Authorization>().WithMany().HasForeignKey(a => a.SupersedesId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(a => a.Description).HasMaxLength(2000);
        builder.Property(a => a.Discloser).HasMaxLength(400);
        builder.Property(a => a.Recipient).HasMaxLength(400);
        builder.Property(a => a.Purpose).HasMaxLength(1000);
        builder.Property(a => a.ExpirationEvent).HasMaxLength(400);
        builder.Property(a => a.RepresentativeName).HasMaxLength(200);
        builder.Property(a => a.RepresentativeAuthority).HasMaxLength(400);
        builder.Property(a => a.Elements).HasColumnType("jsonb");
        builder.Property(a => a.Status).HasMaxLength(16);
        builder.Property(a => a.RevocationNote).HasMaxLength(2000);
        builder.Property(a => a.Version).IsRowVersion();
    }
}

internal sealed class RoiLetterConfiguration : IEntityTypeConfiguration<RoiLetter>
{
    public void Configure(EntityTypeBuilder<RoiLetter> builder)
    {
        builder.ToTable("letters", Schemas.Roi, t => t.HasCheckConstraint("ck_letters_kind", LetterKinds.Check));
        builder.HasKey(l => l.Id);
        builder.HasIndex(l => new { l.RequestId, l.CreatedAt });
        builder.HasIndex(l => l.PatientId);
        builder.HasOne<ReleaseRequest>().WithMany().HasForeignKey(l => l.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Patient>().WithMany().HasForeignKey(l => l.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(l => l.Kind).HasMaxLength(32);
        builder.Property(l => l.SentBy).HasMaxLength(200);
    }
}

internal sealed class StateRuleConfiguration : IEntityTypeConfiguration<StateRule>
{
    public void Configure(EntityTypeBuilder<StateRule> builder)
    {
        builder.ToTable("state_rules", Schemas.Roi, t =>
        {
            t.HasCheckConstraint("ck_state_rules_code", "state_code ~ '^[A-Z]{2}$'");
            t.HasCheckConstraint("ck_state_rules_individual_days", "individual_access_days IS NULL OR individual_access_days BETWEEN 1 AND 30");
            t.HasCheckConstraint("ck_state_rules_fees", "retrieval_fee_cents >= 0 AND certification_fee_cents >= 0 AND (max_fee_cents IS NULL OR max_fee_cents >= 0)");
        });
        builder.HasKey(s => s.StateCode);
        builder.Property(s => s.StateCode).HasMaxLength(2).IsFixedLength();
        builder.Property(s => s.Name).HasMaxLength(100);
        builder.Property(s => s.Citation).HasMaxLength(400);
        builder.Property(s => s.PageTiers).HasColumnType("jsonb");
        builder.Property(s => s.Version).IsRowVersion();
    }
}

internal sealed class RoiSettingsConfiguration : IEntityTypeConfiguration<RoiSettings>
{
    public void Configure(EntityTypeBuilder<RoiSettings> builder)
    {
        builder.ToTable("settings", Schemas.Roi, t =>
        {
            t.HasCheckConstraint("ck_settings_singleton", "id = 1");
            t.HasCheckConstraint("ck_settings_patient_fee_method", PatientFeeMethods.Check);
            // OCR's flat fee for an electronic copy of electronic records is "up to $6.50" (2016 access guidance).
            t.HasCheckConstraint("ck_settings_flat_fee", "patient_flat_fee_cents BETWEEN 0 AND 650");
            t.HasCheckConstraint("ck_settings_links", "download_link_days BETWEEN 1 AND 90 AND download_link_max_downloads BETWEEN 1 AND 20");
            t.HasCheckConstraint("ck_settings_state", "hospital_state ~ '^[A-Z]{2}$'");
        });
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.HospitalState).HasMaxLength(2).IsFixedLength();
        builder.Property(s => s.PatientFeeMethod).HasMaxLength(16);
        builder.Property(s => s.Version).IsRowVersion();
        builder.HasData(new RoiSettings());
    }
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> builder)
    {
        builder.ToTable("invoices", Schemas.Roi, t => t.HasCheckConstraint("ck_invoices_total", "total_cents >= 0"));
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Number).UseIdentityAlwaysColumn();
        builder.HasIndex(i => i.Number).IsUnique();
        builder.HasIndex(i => i.RequestId);
        builder.HasOne<ReleaseRequest>().WithMany().HasForeignKey(i => i.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<RoiLetter>().WithMany().HasForeignKey(i => i.LetterId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(i => i.Lines).HasColumnType("jsonb");
        builder.Property(i => i.Basis).HasMaxLength(400);
        builder.Property(i => i.Version).IsRowVersion();
    }
}

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> builder)
    {
        builder.ToTable("payments", Schemas.Roi, t => t.HasCheckConstraint("ck_payments_amount", "amount_cents > 0"));
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => p.InvoiceId);
        builder.HasOne<Invoice>().WithMany().HasForeignKey(p => p.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(p => p.Method).HasMaxLength(32);
        builder.Property(p => p.Reference).HasMaxLength(200);
    }
}

internal sealed class PacketConfiguration : IEntityTypeConfiguration<Packet>
{
    public void Configure(EntityTypeBuilder<Packet> builder)
    {
        builder.ToTable("packets", Schemas.Roi, t =>
        {
            t.HasCheckConstraint("ck_packets_status", PacketStatuses.Check);
            t.HasCheckConstraint("ck_packets_format", ReleaseFormats.Check);
        });
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => new { p.RequestId, p.QueuedAt });
        builder.HasIndex(p => p.ReleasedAt).HasFilter("released_at IS NOT NULL");
        builder.HasOne<ReleaseRequest>().WithMany().HasForeignKey(p => p.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(p => p.Status).HasMaxLength(16);
        builder.Property(p => p.Format).HasMaxLength(16);
        builder.Property(p => p.Manifest).HasColumnType("jsonb");
        builder.Property(p => p.Problem).HasMaxLength(2000);
        builder.Property(p => p.Version).IsRowVersion();
    }
}

internal sealed class PacketItemConfiguration : IEntityTypeConfiguration<PacketItem>
{
    public void Configure(EntityTypeBuilder<PacketItem> builder)
    {
        builder.ToTable("packet_items", Schemas.Roi);
        builder.HasKey(i => i.Id);
        builder.HasIndex(i => new { i.RequestId, i.ResourceType, i.ResourceKey }).IsUnique();
        builder.HasIndex(i => new { i.RequestId, i.Ordinal });
        builder.HasOne<ReleaseRequest>().WithMany().HasForeignKey(i => i.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(i => i.ResourceType).HasMaxLength(40);
        builder.Property(i => i.ResourceKey).HasMaxLength(100);
        builder.Property(i => i.Title).HasMaxLength(400);
        builder.Property(i => i.ExclusionReason).HasMaxLength(400);
    }
}

internal sealed class RedactionConfiguration : IEntityTypeConfiguration<Redaction>
{
    public void Configure(EntityTypeBuilder<Redaction> builder)
    {
        builder.ToTable("redactions", Schemas.Roi, t =>
        {
            t.HasCheckConstraint("ck_redactions_page", "page >= 1");
            t.HasCheckConstraint("ck_redactions_box", "x >= 0 AND y >= 0 AND width > 0 AND height > 0 AND x + width <= 1.0001 AND y + height <= 1.0001");
        });
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => new { r.RequestId, r.PacketItemId });
        builder.HasOne<ReleaseRequest>().WithMany().HasForeignKey(r => r.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<PacketItem>().WithMany().HasForeignKey(r => r.PacketItemId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(r => r.Reason).HasMaxLength(400);
    }
}

internal sealed class DownloadLinkConfiguration : IEntityTypeConfiguration<DownloadLink>
{
    public void Configure(EntityTypeBuilder<DownloadLink> builder)
    {
        builder.ToTable("download_links", Schemas.Roi, t => t.HasCheckConstraint("ck_download_links_count", "downloads >= 0 AND downloads <= max_downloads"));
        builder.HasKey(l => l.Id);
        builder.HasIndex(l => l.TokenHash).IsUnique();
        builder.HasIndex(l => l.RequestId);
        builder.HasOne<ReleaseRequest>().WithMany().HasForeignKey(l => l.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Packet>().WithMany().HasForeignKey(l => l.PacketId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(l => l.Version).IsRowVersion();
    }
}

internal sealed class DownloadEventConfiguration : IEntityTypeConfiguration<DownloadEvent>
{
    public void Configure(EntityTypeBuilder<DownloadEvent> builder)
    {
        builder.ToTable("download_events", Schemas.Roi);
        builder.HasKey(e => e.Id);
        builder.HasIndex(e => new { e.LinkId, e.At });
        builder.HasOne<DownloadLink>().WithMany().HasForeignKey(e => e.LinkId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(e => e.Address).HasMaxLength(64);
        builder.Property(e => e.Outcome).HasMaxLength(16);
    }
}

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> builder)
    {
        builder.ToTable("deliveries", Schemas.Roi, t => t.HasCheckConstraint("ck_deliveries_method", "method IN ('secure-download', 'mail', 'pickup', 'unencrypted-email')"));
        builder.HasKey(d => d.Id);
        builder.HasIndex(d => d.RequestId);
        builder.HasOne<ReleaseRequest>().WithMany().HasForeignKey(d => d.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Packet>().WithMany().HasForeignKey(d => d.PacketId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(d => d.Method).HasMaxLength(32);
        builder.Property(d => d.Proof).HasMaxLength(2000);
    }
}

internal sealed class DisclosureConfiguration : IEntityTypeConfiguration<Disclosure>
{
    public void Configure(EntityTypeBuilder<Disclosure> builder)
    {
        builder.ToTable("disclosures", Schemas.Roi, t => t.HasCheckConstraint("ck_disclosures_source", DisclosureSources.Check));
        builder.HasKey(d => d.Id);
        // A patient's accounting: their disclosures by date.
        builder.HasIndex(d => new { d.PatientId, d.DisclosedAt });
        builder.HasIndex(d => d.RequestId);
        builder.HasOne<Patient>().WithMany().HasForeignKey(d => d.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ReleaseRequest>().WithMany().HasForeignKey(d => d.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Disclosure>().WithMany().HasForeignKey(d => d.CorrectsId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(d => d.RecipientName).HasMaxLength(200);
        builder.Property(d => d.RecipientAddress).HasMaxLength(500);
        builder.Property(d => d.Description).HasMaxLength(2000);
        builder.Property(d => d.Purpose).HasMaxLength(1000);
        builder.Property(d => d.LegalBasis).HasMaxLength(200);
        builder.Property(d => d.Source).HasMaxLength(16);
    }
}

internal sealed class AccountingSuspensionConfiguration : IEntityTypeConfiguration<AccountingSuspension>
{
    public void Configure(EntityTypeBuilder<AccountingSuspension> builder)
    {
        builder.ToTable("accounting_suspensions", Schemas.Roi, t => t.HasCheckConstraint("ck_accounting_suspensions_period", "until >= \"from\""));
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => s.PatientId);
        builder.HasOne<Patient>().WithMany().HasForeignKey(s => s.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(s => s.Agency).HasMaxLength(200);
        builder.Property(s => s.Statement).HasMaxLength(2000);
    }
}

internal sealed class AccountingRequestConfiguration : IEntityTypeConfiguration<AccountingRequest>
{
    public void Configure(EntityTypeBuilder<AccountingRequest> builder)
    {
        builder.ToTable("accounting_requests", Schemas.Roi, t =>
        {
            t.HasCheckConstraint("ck_accounting_requests_period", "period_to >= period_from");
            t.HasCheckConstraint("ck_accounting_requests_fee", "fee_cents >= 0");
        });
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => new { r.PatientId, r.ReceivedAt });
        builder.HasOne<Patient>().WithMany().HasForeignKey(r => r.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<RoiLetter>().WithMany().HasForeignKey(r => r.LetterId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(r => r.Channel).HasMaxLength(16);
        builder.Property(r => r.Version).IsRowVersion();
    }
}
