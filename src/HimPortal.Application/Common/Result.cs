namespace HimPortal.Application.Common;

public readonly record struct Result<T> : IFailable<Result<T>>
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

    public static Result<T> Fail(Error error) => Failure(error);

    public static implicit operator Result<T>(Error error) => Failure(error);

    public Result<T> ToResult() => this;
}
