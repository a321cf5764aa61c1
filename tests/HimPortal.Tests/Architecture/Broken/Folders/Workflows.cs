// Deliberately broken folder layout for ArchitectureRuleTests: a workflow that reaches into another, and a core folder
// that depends on a workflow. Namespaces stand in for the folders the rule judges.
#pragma warning disable IDE0130
namespace HimPortal.Tests.Architecture.Broken.Folders.Compliance
{
    public sealed class ReviewQueue
    {
        public int Count { get; init; }
    }
}

namespace HimPortal.Tests.Architecture.Broken.Folders.Charts
{
    public static class ChartBanner
    {
        public static int Reviews(Compliance.ReviewQueue queue) => queue?.Count ?? 0;
    }
}

namespace HimPortal.Tests.Architecture.Broken.Folders.Access
{
    public static class Gate
    {
        public static int Banner() => Charts.ChartBanner.Reviews(new Compliance.ReviewQueue());
    }
}
#pragma warning restore IDE0130
