using HimPortal.Application.Clinical;
using HimPortal.Application.Common;

namespace HimPortal.Tests.Architecture;

/// <summary>The product keeps its shape: each rule finds nothing to complain about (ADR 0013).</summary>
public sealed class ArchitectureTests
{
    private static readonly System.Reflection.Assembly Application = typeof(Handler<,>).Assembly;
    private static readonly System.Reflection.Assembly Web = typeof(Program).Assembly;
    private static readonly System.Reflection.Assembly Cli = typeof(HimPortal.Cli.Program).Assembly;
    private static readonly System.Reflection.Assembly Portal = typeof(HimPortal.Portal.PortalProgram).Assembly;
    private static readonly System.Reflection.Assembly Hosting = typeof(HimPortal.Hosting.PermissionPolicies).Assembly;

    [Fact]
    public void Every_handler_declares_its_permission_and_is_checked()
    {
        ArchitectureRules.HandlersWithoutDeclaredPermission(Application.GetTypes().Concat(Web.GetTypes()).Concat(Portal.GetTypes()).Concat(Cli.GetTypes())).ShouldBeEmpty();
        Application.GetTypes().Count(t => t.Name.EndsWith("Handler", StringComparison.Ordinal) && !t.IsAbstract).ShouldBeGreaterThan(40);
    }

    [Fact]
    public void The_web_hosts_and_their_pages_never_touch_the_DbContext()
    {
        foreach (var host in new[] { Web, Portal, Hosting })
        {
            ArchitectureRules.TouchesDbContext(host).ShouldBeEmpty(host.GetName().Name);
            ArchitectureRules.PagesTouchingDbContext(host).ShouldBeEmpty(host.GetName().Name);
        }
    }

    [Fact]
    public void Only_the_clinical_record_writer_writes_clinical_tables()
    {
        var writer = typeof(ClinicalRecordWriter).Namespace!;
        foreach (var assembly in new[] { Application, Web, Portal, Hosting, Cli })
        {
            ArchitectureRules.ClinicalWritesOutsideTheWriter(assembly, writer).ShouldBeEmpty(assembly.GetName().Name);
        }
    }

    [Fact]
    public void Workflows_use_the_core_and_never_each_other()
    {
        ArchitectureRules.CrossWorkflowReferences(Application, "HimPortal.Application").ShouldBeEmpty();
    }

    [Fact]
    public void Job_payloads_hold_ids_and_codes_never_patient_data()
    {
        ArchitectureRules.PayloadsThatCouldCarryPatientData(Application.GetTypes()).ShouldBeEmpty();
        Application.GetTypes().Count(t => typeof(HimPortal.Application.Jobs.IJobPayload).IsAssignableFrom(t) && !t.IsInterface).ShouldBeGreaterThan(2);
    }
}
