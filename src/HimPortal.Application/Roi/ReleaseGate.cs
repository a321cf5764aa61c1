using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi;

/// <summary>
/// Why a request may not be released yet, in the specialist's words with the rule. Checked before a packet is passed as
/// ready and again before it leaves, so a revoked authorization or a missing assurance stops the release wherever it is.
/// Empty means nothing stands in the way.
/// </summary>
public sealed class ReleaseGate(HimDbContext db, TimeProvider time)
{
    public async Task<IReadOnlyList<string>> BlockersAsync(ReleaseRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var blockers = new List<string>();
        var rule = RequesterRules.For(request.RequesterType);
        if (RequestStatuses.Closed.Contains(request.Status))
        {
            blockers.Add($"The request is {request.Status}.");
        }

        if (rule.Individual && string.IsNullOrWhiteSpace(request.IdentityVerification))
        {
            blockers.Add("The requester's identity has not been verified (45 CFR 164.514(h)).");
        }

        if (request.RequesterType == RequesterTypes.PersonalRepresentative && !request.RepresentativeAuthorityChecked)
        {
            blockers.Add("The personal representative's authority has not been checked against its document (45 CFR 164.502(g)).");
        }

        if (rule.NeedsAuthorization)
        {
            var authorization = request.AuthorizationId is { } id
                ? await db.Authorizations.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct)
                : null;
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            if (authorization is null)
            {
                blockers.Add("No authorization is on file (45 CFR 164.508).");
            }
            else if (authorization.Status != AuthorizationStatuses.Valid)
            {
                blockers.Add($"The authorization is {authorization.Status} (45 CFR 164.508(b)(2)).");
            }
            else if (authorization.ExpiresOn is { } expires && expires < today)
            {
                blockers.Add($"The authorization expired on {expires:yyyy-MM-dd} (45 CFR 164.508(b)(2)(i)).");
            }
        }

        if (request.RequesterType == RequesterTypes.Subpoena && string.IsNullOrWhiteSpace(request.SatisfactoryAssurances))
        {
            blockers.Add("A subpoena without a court order needs satisfactory assurances first (45 CFR 164.512(e)(1)(ii)).");
        }

        // A motion to quash (or another objection before the court) must be resolved before anything goes out: the
        // assurances of 164.512(e)(1)(iii)(C) hold only once objections are resolved; an order may yet be quashed.
        if (RequesterRules.For(request.RequesterType).LegalProcess && request.QuashMotionPending)
        {
            blockers.Add("A motion to quash is pending: nothing is released until the court resolves it (45 CFR 164.512(e)(1)(iii)(C)).");
        }

        // A release may wait for its copy fee where the policy says so; never for continuity of care, and never for an
        // unpaid medical bill (only invoices of this request count).
        if (rule.Fees != FeeCategory.None)
        {
            var settings = await db.RoiSettings.AsNoTracking().SingleAsync(ct);
            if (settings.ReleaseWaitsForPayment)
            {
                var owed = await db.Invoices.Where(i => i.RequestId == request.Id && i.VoidedAt == null)
                    .Select(i => i.TotalCents - db.Payments.Where(p => p.InvoiceId == i.Id).Sum(p => p.AmountCents))
                    .Where(balance => balance > 0)
                    .SumAsync(ct);
                if (owed > 0)
                {
                    blockers.Add($"The copy fee is unpaid: {owed / 100m:0.00} USD owed (the hospital's policy).");
                }
            }
        }

        return blockers;
    }
}
