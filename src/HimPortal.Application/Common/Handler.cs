using HimPortal.Application.Access;

namespace HimPortal.Application.Common;

/// <summary>What a handler returns: a value that can also carry an expected failure (<see cref="Result{T}"/>).</summary>
public interface IFailable<TSelf>
    where TSelf : IFailable<TSelf>
{
    static abstract TSelf Fail(Error error);
}

/// <summary>
/// A use case: one request, one response. The permission the subclass declares (<see cref="RequiresPermissionAttribute"/>)
/// is checked, and a refusal audited, before <see cref="ExecuteAsync"/> runs: pages, jobs and the console call
/// <see cref="HandleAsync"/>, which no subclass can override. No mediator: callers inject the handler they use (ADR 0001).
/// </summary>
public abstract class Handler<TRequest, TResponse>(PermissionCheck permissions)
    where TRequest : notnull
    where TResponse : IFailable<TResponse>
{
    public async Task<TResponse> HandleAsync(TRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await permissions.CheckAsync(GetType(), request, ct) is { } refused
            ? TResponse.Fail(refused)
            : await ExecuteAsync(request, ct);
    }

    /// <summary>The use case itself, run only for an actor who holds the declared permission.</summary>
    protected abstract Task<TResponse> ExecuteAsync(TRequest request, CancellationToken ct);
}
