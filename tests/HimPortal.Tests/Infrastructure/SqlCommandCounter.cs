using System.Diagnostics;

namespace HimPortal.Tests.Infrastructure;

/// <summary>
/// Counts the SQL commands Npgsql sends from one async flow (Npgsql traces each command as an Activity), so a test can
/// show a page's query count does not grow with the size of the record. Commands of other tests running in parallel
/// are in other flows and are not counted.
/// </summary>
public sealed class SqlCommandCounter : IDisposable
{
    private static readonly AsyncLocal<SqlCommandCounter?> Current = new();
    private static readonly ActivityListener Listener = CreateListener();
    private readonly List<string> _commands = [];

    private SqlCommandCounter()
    {
    }

    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (_commands)
            {
                return [.. _commands];
            }
        }
    }

    /// <summary>Starts counting in this async flow; everything awaited from here on is counted until disposed.</summary>
    public static SqlCommandCounter Start()
    {
        GC.KeepAlive(Listener);
        var counter = new SqlCommandCounter();
        Current.Value = counter;
        return counter;
    }

    public void Dispose() => Current.Value = null;

    private static ActivityListener CreateListener()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = activity =>
            {
                if (Current.Value is { } counter)
                {
                    lock (counter._commands)
                    {
                        counter._commands.Add(activity.DisplayName + ": " + (activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement")));
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
