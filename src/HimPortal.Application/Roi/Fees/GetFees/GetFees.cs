using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Fees.GetFees;

/// <summary>The fee page: the calculation for the request as it stands (with an estimate or a policy fee typed in), and its invoices.</summary>
public sealed record GetFeesQuery(Guid RequestId, int? EstimatedPages = null, decimal? PolicyFee = null, string? PolicyReason = null);

public sealed record PaymentView(int AmountCents, string Method, string? Reference, DateTimeOffset ReceivedAt);

public sealed record InvoiceView(Guid Id, string Number, IReadOnlyList<FeeLine> Lines, int TotalCents, string Basis, int PaidCents,
    DateTimeOffset CreatedAt, DateTimeOffset? VoidedAt, Guid? LetterId, uint Version, IReadOnlyList<PaymentView> Payments)
{
    public int BalanceCents => VoidedAt is null ? TotalCents - PaidCents : 0;
}

public sealed record FeesView(
    Guid RequestId,
    string Number,
    string Status,
    string RequesterType,
    string RequesterTitle,
    string FeeCategory,
    string Format,
    string Delivery,
    string StateCode,
    bool StateHasSchedule,
    FeePages Pages,
    FeeCalculation Calculation,
    IReadOnlyList<InvoiceView> Invoices,
    IReadOnlyList<string> Blockers,
    uint Version)
{
    public InvoiceView? OpenInvoice => Invoices.FirstOrDefault(i => i.VoidedAt is null);
}

/// <summary>Shows the fee calculation line by line with each line's rule, and the request's invoices and payments (audited as a view).</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class GetFeesHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, ReleaseGate gate)
    : Handler<GetFeesQuery, Result<FeesView>>(permissions)
{
    public const string InvoicePrefix = "INV-";

    public static string InvoiceNumber(long number) => $"{InvoicePrefix}{number:D6}";

    protected override async Task<Result<FeesView>> ExecuteAsync(GetFeesQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<FeesView>>(async token =>
        {
            var request = await db.ReleaseRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.RequestId, token);
            if (request is null)
            {
                return Error.NotFound("There is no such request.");
            }

            var policyCents = query.PolicyFee is { } fee ? RoiAudit.Cents(fee) : (int?)null;
            var (calculation, pages, state) = await FeeInputs.CalculateAsync(db, request, query.EstimatedPages, policyCents, query.PolicyReason, token);
            var invoices = await InvoicesAsync(db, request.Id, token);
            var blockers = await gate.BlockersAsync(request, token);
            await audit.RecordAsync(RoiAudit.Of(request, AuditAction.View, "fees"), token);
            var rule = RequesterRules.For(request.RequesterType);
            return Result<FeesView>.Success(new FeesView(request.Id, request.Display, request.Status, request.RequesterType, rule.Title, rule.Fees.ToString(),
                request.Format, request.Delivery, request.StateCode, state is not null, pages, calculation, invoices, blockers, request.Version));
        }, ct);
    }

    public static async Task<IReadOnlyList<InvoiceView>> InvoicesAsync(HimDbContext db, Guid requestId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var invoices = await db.Invoices.AsNoTracking().Where(i => i.RequestId == requestId).OrderByDescending(i => i.Number).ToListAsync(ct);
        var ids = invoices.Select(i => i.Id).ToList();
        var payments = await db.Payments.AsNoTracking().Where(p => ids.Contains(p.InvoiceId)).OrderBy(p => p.ReceivedAt).ToListAsync(ct);
        return invoices.Select(i =>
        {
            var paid = payments.Where(p => p.InvoiceId == i.Id).ToList();
            return new InvoiceView(i.Id, InvoiceNumber(i.Number), FeeCalculator.Deserialize(i.Lines), i.TotalCents, i.Basis, paid.Sum(p => p.AmountCents),
                i.CreatedAt, i.VoidedAt, i.LetterId, i.Version, paid.Select(p => new PaymentView(p.AmountCents, p.Method, p.Reference, p.ReceivedAt)).ToList());
        }).ToList();
    }
}
