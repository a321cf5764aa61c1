namespace HimPortal.Application.Common;

/// <summary>An expected failure: a message for the user, naming what was wrong. Exceptions are for bugs and outages.</summary>
public sealed record Error(string Code, string Message, string? Field = null);

public readonly record struct Result<T>
{
    private Result(T? value, Error? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public Error? Error { get; }

    public bool IsSuccess => Error is null;

    public static Result<T> Success(T value) => new(value, null);

    public static Result<T> Failure(Error error) => new(default, error);

    public static implicit operator Result<T>(Error error) => Failure(error);

    public Result<T> ToResult() => this;
}
