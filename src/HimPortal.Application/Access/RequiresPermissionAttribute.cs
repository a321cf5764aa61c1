namespace HimPortal.Application.Access;

/// <summary>
/// The permission a handler needs, declared on the handler itself. <see cref="Common.Handler{TRequest, TResponse}"/>
/// checks it through <see cref="PermissionCheck"/> before the handler's own code runs, so no handler can forget; an
/// architecture test fails when a handler declares none. Deny by default: a handler without one refuses everyone.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresPermissionAttribute(string permission) : Attribute
{
    public string Permission { get; } = permission;
}
