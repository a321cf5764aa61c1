using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.AccessLog;
using Microsoft.Extensions.Options;

namespace HimPortal.Tests.Compliance;

/// <summary>The access log's details as a reviewer reads them, from the text the chart gate and the access handlers write.</summary>
public sealed class AccessDetailsTests
{
    private static readonly HospitalTime NewYork = new(Options.Create(new HospitalOptions { TimeZone = "America/New_York" }));

    [Theory]
    [InlineData(AuditAction.View, "Chart", "sections=demographics,encounters,problems,medications,allergies,lab-results; basis=treatment-relationship",
        "Chart: demographics, encounters, problems, medications, allergies, lab results; on a treatment relationship")]
    [InlineData(AuditAction.View, "DocumentReference", "sections=note-text; basis=break-glass; break-glass=0199a000-0000-7000-8000-00000000abcd",
        "Note: note text; under break-the-glass")]
    [InlineData(AuditAction.View, "Encounter", "sections=demographics,encounters; basis=operations", "Encounter: demographics, encounters; for HIM department work")]
    [InlineData(AuditAction.View, "Chart", "sections=demographics; basis=assignment", "Chart: demographics; on an assignment recorded by HIM")]
    [InlineData(AuditAction.View, "ChartAccess", "sections=demographics,restriction,assignments", "Chart access: demographics, restriction, assignments")]
    [InlineData(AuditAction.View, "Chart", "outcome=break-glass-required; break-the-glass offered", "Refused: break-the-glass required (offered)")]
    [InlineData(AuditAction.Update, "PatientRestriction", "vip=True; employee=True; department=Radiology", "VIP: yes; employee: yes (Radiology)")]
    [InlineData(AuditAction.Update, "PatientRestriction", "vip=False; employee=False; department=", "VIP: no; employee: no")]
    [InlineData(AuditAction.Search, "AccessLog", "patient=abc; 3 event(s) shown", "3 event(s) shown; patient: abc")]
    public void Details_read_as_words(string action, string resource, string details, string words) =>
        AccessDetails.Describe(action, resource, details, NewYork).ShouldBe(words);

    [Fact]
    public void A_grants_end_is_given_in_the_hospitals_time_to_the_second() =>
        AccessDetails.Describe(AuditAction.BreakGlass, "Chart", "attested; until=2026-12-02T03:14:09Z; was=no treatment relationship", NewYork)
            .ShouldBe("Attested; until 2026-12-01 22:14:09; needed because: no treatment relationship");

    [Fact]
    public void The_access_log_shows_times_to_the_second_in_the_hospitals_zone() =>
        NewYork.FormatSeconds(new DateTimeOffset(2026, 12, 2, 3, 14, 9, TimeSpan.Zero)).ShouldBe("2026-12-01 22:14:09");
}
