namespace HimPortal.Application.Audit;

/// <summary>
/// How a view of a scanned document's page is written to the access audit, by every workflow that shows one, so the
/// misfile check (45 CFR 164.402: was the wrong patient's page seen, by whom, when) reads them all the same way.
/// </summary>
public static class ScannedDocumentAudit
{
    public const string ResourceType = "ScannedDocument";

    /// <summary>Healthcare operations (HL7 PurposeOfUse): indexing and QA look at a page to file it, not to treat.</summary>
    public const string OperationsPurpose = "HOPERAT";

    /// <summary>Where the page was seen: the first field of the audit row's details.</summary>
    public static class Places
    {
        public const string Indexing = "indexing";
        public const string QualityReview = "quality-review";
        public const string Chart = "chart";
        public const string Release = "release";
        public const string Portal = "portal";

        /// <summary>Views that are part of filing the page, not a use of it: they never make a misfile a privacy incident.</summary>
        public static readonly IReadOnlyList<string> Filing = [Indexing, QualityReview];
    }

    /// <summary>A page view's audit row; <paramref name="patientId"/> is the patient the document is filed to now (null while unfiled).</summary>
    public static AuditRecord PageView(Guid documentId, Guid? patientId, string place, int pageNumber, string purpose) =>
        new(AuditAction.View, AuditOutcome.Success, ResourceType, documentId.ToString("D"), patientId, purpose,
            $"{place}; page={pageNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
}
