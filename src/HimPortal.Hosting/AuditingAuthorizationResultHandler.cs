using HimPortal.Application.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Routing;

namespace HimPortal.Hosting;

/// <summary>Every denial is audited: a signed-in user refused a page leaves a row naming the page (and the patient, on a chart's page).</summary>
public sealed class AuditingAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden)
        {
            var audit = context.RequestServices.GetRequiredService<AccessAudit>();
            // A refused attempt at a patient's chart names the patient, so "who tried to see X" finds it.
            Guid? patientId = Guid.TryParse(context.GetRouteValue("patientId") as string, out var id) ? id : null;
            await audit.RecordAloneAsync(new AuditRecord(AuditAction.View, AuditOutcome.Denied, "Page", context.Request.Path.Value, patientId,
                Purpose: "not permitted: " + string.Join(",", policy.Requirements.OfType<PermissionRequirement>().Select(r => r.Permission))),
                context.RequestAborted);
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
