using HimPortal.Tests.Architecture.Broken;

namespace HimPortal.Tests.Architecture;

/// <summary>Each architecture rule catches the deliberately broken example that breaks it (Broken/): a rule that passes everything proves nothing.</summary>
public sealed class ArchitectureRuleTests
{
    private static readonly System.Reflection.Assembly Tests = typeof(ArchitectureRuleTests).Assembly;

    [Fact]
    public void A_handler_without_a_permission_and_one_outside_the_checked_base_are_caught()
    {
        var failures = ArchitectureRules.HandlersWithoutDeclaredPermission([typeof(ForgetfulHandler), typeof(SneakyHandler)]);
        failures.Count.ShouldBe(2);
        failures.ShouldContain(f => f.Contains(nameof(ForgetfulHandler), StringComparison.Ordinal) && f.Contains("declares no", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains(nameof(SneakyHandler), StringComparison.Ordinal) && f.Contains("without deriving", StringComparison.Ordinal));
    }

    [Fact]
    public void A_page_model_using_the_DbContext_is_caught()
    {
        ArchitectureRules.PagesTouchingDbContext(Tests).ShouldContain(typeof(GreedyPageModel).FullName!);
        ArchitectureRules.TouchesDbContext(Tests, "HimPortal.Tests.Architecture.Broken").ShouldContain(typeof(GreedyPageModel).FullName!);
    }

    [Fact]
    public void Writing_clinical_tables_outside_the_writer_is_caught_in_sql_and_in_ef_core()
    {
        var failures = ArchitectureRules.ClinicalWritesOutsideTheWriter(Tests, "HimPortal.Application.Clinical", "HimPortal.Tests.Architecture.Broken");
        failures.ShouldContain(f => f.Contains("Rekeying.MoveInSqlAsync", StringComparison.Ordinal) && f.Contains("in SQL", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("Rekeying.AddThroughEf", StringComparison.Ordinal) && f.Contains("(Add)", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("Rekeying.MoveThroughEfAsync", StringComparison.Ordinal) && f.Contains("ExecuteUpdate", StringComparison.Ordinal));
    }

    [Fact]
    public void A_workflow_reaching_into_another_and_a_core_folder_using_a_workflow_are_caught()
    {
        var failures = ArchitectureRules.CrossWorkflowReferences(Tests, "HimPortal.Tests.Architecture.Broken.Folders");
        failures.ShouldContain(f => f.Contains("Folders.Charts.ChartBanner", StringComparison.Ordinal) && f.Contains("workflow Charts uses another", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("Folders.Access.Gate", StringComparison.Ordinal) && f.Contains("core Access uses a workflow", StringComparison.Ordinal));
    }

    [Fact]
    public void A_payload_that_could_carry_a_name_is_caught()
    {
        ArchitectureRules.PayloadsThatCouldCarryPatientData([typeof(LeakyPayload)])
            .ShouldBe([$"{typeof(LeakyPayload).FullName}.PatientName: String may carry patient data (ids, numbers, dates and [JobCode] strings only)"]);
    }
}
