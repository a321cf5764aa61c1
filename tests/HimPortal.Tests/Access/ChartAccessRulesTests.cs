using HimPortal.Application.Access;

namespace HimPortal.Tests.Access;

/// <summary>The access rules on their own, and the README's role × section matrix kept equal to the code.</summary>
public sealed class ChartAccessRulesTests
{
    private static readonly ChartAccessFacts Nothing = new(false, false, false, null, null);

    [Theory]
    [InlineData(false, true, false, false, ChartAccessOutcome.Granted, ChartAccessBasis.TreatmentRelationship)]
    [InlineData(false, false, true, false, ChartAccessOutcome.Granted, ChartAccessBasis.Assignment)]
    [InlineData(false, false, false, false, ChartAccessOutcome.BreakGlassRequired, null)]
    [InlineData(true, true, true, false, ChartAccessOutcome.BreakGlassRequired, null)]
    [InlineData(true, true, false, true, ChartAccessOutcome.Granted, ChartAccessBasis.BreakGlass)]
    [InlineData(false, false, false, true, ChartAccessOutcome.Granted, ChartAccessBasis.BreakGlass)]
    public void A_physician_needs_a_relationship_or_the_glass_and_a_restricted_record_always_needs_the_glass(
        bool restricted, bool treats, bool assigned, bool glass, ChartAccessOutcome outcome, ChartAccessBasis? basis)
    {
        var decision = ChartAccessRules.Decide([Roles.Physician],
            new ChartAccessFacts(restricted, treats, assigned, glass ? Guid.NewGuid() : null, glass ? DateTimeOffset.UtcNow.AddHours(1) : null));
        decision.Outcome.ShouldBe(outcome);
        decision.Basis.ShouldBe(basis);
        decision.Sections.Count.ShouldBe(outcome == ChartAccessOutcome.Granted ? ChartSections.RequiredPermission.Count : 0);
    }

    [Fact]
    public void A_patient_opens_only_their_own_record_all_of_it_even_when_restricted_to_staff()
    {
        var own = ChartAccessRules.Decide([Roles.Patient], Nothing with { IsOwnRecord = true, IsRestricted = true }, AccessIntent.PatientSelf);
        own.Outcome.ShouldBe(ChartAccessOutcome.Granted);
        own.Basis.ShouldBe(ChartAccessBasis.PatientSelf);
        own.PurposeOfUse.ShouldBe("PATRQT");
        own.Sections.ShouldBe(ChartSections.All, ignoreOrder: true);

        ChartAccessRules.Decide([Roles.Patient], Nothing, AccessIntent.PatientSelf).Outcome.ShouldBe(ChartAccessOutcome.Denied);
        // Staff whose account names the MRN (their own record, for privacy monitoring) do not read it through the portal's purpose.
        ChartAccessRules.Decide([Roles.HimClerk], Nothing with { IsOwnRecord = true }, AccessIntent.PatientSelf).Outcome.ShouldBe(ChartAccessOutcome.Denied);
        // And a patient never reaches a staff chart.
        ChartAccessRules.Decide([Roles.Patient], Nothing with { IsOwnRecord = true }).Outcome.ShouldBe(ChartAccessOutcome.Denied);
    }

    [Fact]
    public void A_disclosure_opens_the_designated_record_set_for_release_staff_only_under_the_requests_purpose()
    {
        var release = ChartAccessRules.Decide([Roles.RoiSpecialist], Nothing with { IsRestricted = true }, new AccessIntent(AccessPurpose.Disclosure, "HLEGAL"));
        release.Outcome.ShouldBe(ChartAccessOutcome.Granted);
        release.Basis.ShouldBe(ChartAccessBasis.Disclosure);
        release.PurposeOfUse.ShouldBe("HLEGAL");
        release.Sections.ShouldBe(ChartSections.All, ignoreOrder: true);

        foreach (var role in new[] { Roles.Physician, Roles.HimClerk, Roles.ComplianceOfficer, Roles.Patient })
        {
            ChartAccessRules.Decide([role], Nothing, new AccessIntent(AccessPurpose.Disclosure, "PATRQT")).Outcome.ShouldBe(ChartAccessOutcome.Denied, role);
        }
    }

    [Theory]
    [InlineData(Roles.HimClerk)]
    [InlineData(Roles.HimManager)]
    [InlineData(Roles.RoiSpecialist)]
    [InlineData(Roles.ComplianceOfficer)]
    public void Department_roles_open_their_sections_for_operations_restricted_or_not(string role)
    {
        foreach (var facts in new[] { Nothing, Nothing with { IsRestricted = true } })
        {
            var decision = ChartAccessRules.Decide([role], facts);
            decision.Outcome.ShouldBe(ChartAccessOutcome.Granted);
            decision.Basis.ShouldBe(ChartAccessBasis.Operations);
            decision.PurposeOfUse.ShouldBe("HOPERAT");
            decision.Sections.ShouldNotContain(ChartSection.LabResults);
            decision.Sections.ShouldNotContain(ChartSection.NoteText);
        }
    }

    [Theory]
    [InlineData(Roles.Administrator)]
    [InlineData(Roles.Patient)]
    public void Roles_without_chart_sections_are_denied(string role) =>
        ChartAccessRules.Decide([role], Nothing with { TreatsInRecord = true }).Outcome.ShouldBe(ChartAccessOutcome.Denied);

    [Fact]
    public void The_README_matrix_is_the_one_the_code_applies()
    {
        var readme = File.ReadAllLines(FindReadme());
        var start = Array.FindIndex(readme, l => l.Contains("chart-section-matrix", StringComparison.Ordinal));
        start.ShouldBeGreaterThan(0, "README.md has the chart-section matrix");
        var header = readme[start + 1].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var roles = header.Skip(1).ToList();
        roles.ShouldBe(Roles.All, ignoreOrder: true);
        var rows = readme.Skip(start + 3).TakeWhile(l => l.StartsWith('|')).ToList();
        rows.Count.ShouldBe(Enum.GetValues<ChartSection>().Length);
        foreach (var row in rows)
        {
            var cells = row.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var section = Enum.Parse<ChartSection>(cells[0]);
            for (var i = 0; i < roles.Count; i++)
            {
                (cells[i + 1] == "yes").ShouldBe(ChartSections.For([roles[i]]).Contains(section), $"{section} × {roles[i]}");
            }
        }
    }

    private static string FindReadme()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "HimPortal.sln")))
            {
                return Path.Combine(folder.FullName, "README.md");
            }
        }

        throw new FileNotFoundException("README.md of the repository");
    }
}
