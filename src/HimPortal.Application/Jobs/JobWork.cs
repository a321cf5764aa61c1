using System.Text.Json;

namespace HimPortal.Application.Jobs;

/// <summary>Names the kind of work a class does, as stored in jobs.jobs.kind ("intake.import-upload").</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class JobKindAttribute(string kind) : Attribute
{
    public string Kind { get; } = kind;
}

/// <summary>Marks a string property of a job payload as a code (a configured folder's name, a rule's code), never patient data.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class JobCodeAttribute : Attribute;

/// <summary>
/// A job's payload: ids, numbers and codes only, never patient data (a name, a birth date, an MRN, clinical text). The
/// payload is stored in jobs.jobs and shown to whoever may watch the queue; an architecture test holds every payload
/// type to these property types.
/// </summary>
public interface IJobPayload;

/// <summary>
/// The work of one kind of job, resolved from the job's scope (which acts as the job's user, ActorScope). Throw to
/// fail an attempt that may succeed later (it is retried with back-off); return <see cref="JobOutcome.Failed"/> for a
/// failure no retry can mend (the user may no longer do it, the input is bad).
/// </summary>
public interface IJobWork
{
    Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct);
}

public enum JobOutcome
{
    Succeeded,
    Failed,
}

/// <summary>What a running job sees of itself: its payload, and the way to report progress and its result.</summary>
public sealed class JobContext(Guid id, string kind, int attempt, string payload)
{
    private JobProgress? _progress;
    private JobProgress? _latest;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Guid Id { get; } = id;

    public string Kind { get; } = kind;

    /// <summary>1 for the first attempt.</summary>
    public int Attempt { get; } = attempt;

    /// <summary>The outcome to store as JSON (the import's per-file results), read by the job's page.</summary>
    public object? Result { get; set; }

    /// <summary>Why the job failed, in words for the person who asked for it (with <see cref="JobOutcome.Failed"/>).</summary>
    public string? FailureMessage { get; set; }

    public T Payload<T>()
        where T : IJobPayload =>
        JsonSerializer.Deserialize<T>(payload, Json) ?? throw new InvalidOperationException($"Job {Id} has no payload.");

    /// <summary>Records how far the job has come: kept here, and written with the job's next heartbeat (and at its end).</summary>
    public void Report(int done, int? total, string? note)
    {
        var progress = new JobProgress(done, total, note);
        Volatile.Write(ref _latest, progress);
        Volatile.Write(ref _progress, progress);
    }

    /// <summary>The latest progress not yet written, taken (so it is written once).</summary>
    internal JobProgress? TakeProgress() => Interlocked.Exchange(ref _progress, null);

    /// <summary>
    /// The latest progress reported, written or not: what the job's final row says. (A heartbeat that took it and lost the
    /// race with the finish writes nothing, since its update requires a running job.)
    /// </summary>
    internal JobProgress? LatestProgress => Volatile.Read(ref _latest);

    internal static string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), Json);
}

public sealed record JobProgress(int Done, int? Total, string? Note);
