namespace HimPortal.Application.Access.Sessions;

/// <summary>
/// The server-side session (identity.user_sessions) the current request runs in, when it runs in one: a change of the
/// user's own password ends their other sessions and keeps this one (the web's ticket store knows its id; a console or a
/// job has none).
/// </summary>
public interface ICurrentSession
{
    Guid? Id { get; }
}

/// <summary>No session: the console, jobs, handlers called directly in tests.</summary>
public sealed class NoCurrentSession : ICurrentSession
{
    public Guid? Id => null;
}
