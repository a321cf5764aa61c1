namespace HimPortal.Application.Audit;

/// <summary>What was done. The database's check constraint holds the same list.</summary>
public static class AuditAction
{
    public const string Login = "login";
    public const string LoginFailed = "login-failed";
    public const string Logout = "logout";
    public const string View = "view";
    public const string Search = "search";
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string Print = "print";
    public const string Export = "export";
    public const string Disclose = "disclose";
    public const string BreakGlass = "break-glass";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All =
        [Login, LoginFailed, Logout, View, Search, Create, Update, Delete, Print, Export, Disclose, BreakGlass, Admin];
}

public static class AuditOutcome
{
    public const string Success = "success";
    public const string Denied = "denied";
    public const string Error = "error";

    public static readonly IReadOnlyList<string> All = [Success, Denied, Error];
}

/// <summary>Who acts, and from where. The web host reads it from the request; the CLI names the operating-system user.</summary>
public sealed record AuditActor(
    Guid? UserId,
    string? UserName,
    IReadOnlyList<string> Roles,
    string? ClientIp,
    string? UserAgent,
    string? CorrelationId);

public interface IAuditActorAccessor
{
    AuditActor Current { get; }
}

/// <summary>What to record. <see cref="Actor"/> overrides the current actor (a failed sign-in names the account tried).</summary>
public sealed record AuditRecord(
    string Action,
    string Outcome,
    string? ResourceType = null,
    string? ResourceId = null,
    Guid? PatientId = null,
    string? Purpose = null,
    string? Details = null,
    AuditActor? Actor = null);
