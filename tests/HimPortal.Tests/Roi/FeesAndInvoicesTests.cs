using HimPortal.Application.Roi;
using HimPortal.Application.Roi.Fees.GetFees;
using HimPortal.Application.Roi.Fees.GetInvoicePdf;
using HimPortal.Application.Roi.Fees.IssueInvoice;
using HimPortal.Application.Roi.Fees.RecordPayment;
using HimPortal.Application.Roi.Fees.VoidInvoice;
using HimPortal.Data.Roi;
using HimPortal.Application.Common;
using HimPortal.Tests.Documents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Roi;

/// <summary>Invoices (PDF, lines kept), payments (no overpayment), voiding and a corrected invoice, and the release gate's unpaid fee.</summary>
public sealed class FeesAndInvoicesTests(RoiDeliveryWorld world) : IClassFixture<RoiDeliveryWorld>
{
    private Task<Result<InvoiceIssued>> IssueAsync(Guid request, uint version, decimal? policy = 20m, string? reason = "committee's flat fee") =>
        world.RunAsync<InvoiceIssued, IssueInvoiceHandler>(h => h.HandleAsync(new IssueInvoiceCommand(request, null, policy, reason, version), CancellationToken.None));

    private Task<Result<PaymentRecorded>> PayAsync(Guid invoice, decimal amount) =>
        world.RunAsync<PaymentRecorded, RecordPaymentHandler>(h => h.HandleAsync(new RecordPaymentCommand(invoice, amount, "check", "1001"), CancellationToken.None));

    private async Task<IReadOnlyList<string>> BlockersAsync(Guid request)
    {
        await using var scope = world.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimPortal.Data.HimDbContext>();
        var gate = scope.ServiceProvider.GetRequiredService<ReleaseGate>();
        return await gate.BlockersAsync(await db.ReleaseRequests.AsNoTracking().SingleAsync(r => r.Id == request), CancellationToken.None);
    }

    [Fact]
    public async Task An_invoice_issued_for_a_ready_request_keeps_its_lines_moves_it_to_invoiced_and_its_PDF_passes_qpdf()
    {
        var patient = await world.PatientAsync();
        var request = await world.ReleasableAsync(patient, RequesterTypes.Attorney);
        await BuiltPackets.AddAsync(world.Database, request);

        var view = (await world.RunAsync<FeesView, GetFeesHandler>(h => h.HandleAsync(new GetFeesQuery(request), CancellationToken.None))).Value!;
        view.Calculation.NeedsPolicyFee.ShouldBeTrue("MA has no schedule configured in a fresh database");
        (await IssueAsync(request, view.Version, policy: null, reason: null)).Error!.Field.ShouldBe(nameof(IssueInvoiceCommand.PolicyFee));

        var issued = await IssueAsync(request, view.Version);
        issued.IsSuccess.ShouldBeTrue(issued.Error?.Message);
        issued.Value!.MovedToInvoiced.ShouldBeTrue();
        issued.Value.Number.ShouldStartWith("INV-");
        issued.Value.TotalCents.ShouldBe(2000);

        var pdf = (await world.RunAsync<RoiFile, GetInvoicePdfHandler>(h => h.HandleAsync(new GetInvoicePdfQuery(request, issued.Value.InvoiceId), CancellationToken.None))).Value!;
        await Qpdf.CheckAsync(pdf.Content);
        using (var document = PdfDocument.Open(pdf.Content))
        {
            var text = string.Join(" ", document.GetPages().Select(p => p.Text));
            text.ShouldContain(issued.Value.Number);
            text.ShouldContain("Copy fee (hospital policy)");
            text.ShouldContain("Total due: $20.00");
            text.ShouldContain("How to pay");
        }

        var (status, lines, letterKind) = await world.QueryAsync(async db => (
            (await db.ReleaseRequests.SingleAsync(r => r.Id == request)).Status,
            (await db.Invoices.SingleAsync(i => i.Id == issued.Value.InvoiceId)).Lines,
            (await db.RoiLetters.SingleAsync(l => l.RequestId == request)).Kind));
        status.ShouldBe(RequestStatuses.Invoiced);
        lines.ShouldContain("committee's flat fee");
        letterKind.ShouldBe(LetterKinds.Invoice);
        (await world.Database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_type = 'ReleaseRequest' AND resource_id = '{request}' AND action = 'create'")).ShouldBe(1);
    }

    [Fact]
    public async Task The_gate_blocks_release_until_the_fee_is_paid_and_an_overpayment_is_refused()
    {
        var patient = await world.PatientAsync();
        var request = await world.ReleasableAsync(patient, RequesterTypes.PublicHealth);
        var issued = (await IssueAsync(request, await world.VersionAsync(request))).Value!;
        (await BlockersAsync(request)).ShouldContain(b => b.Contains("unpaid", StringComparison.Ordinal));

        var over = await PayAsync(issued.InvoiceId, 25m);
        over.Error!.Message.ShouldContain("more than the balance");
        (await PayAsync(issued.InvoiceId, 5m)).Value!.BalanceCents.ShouldBe(1500);
        (await BlockersAsync(request)).ShouldContain(b => b.Contains("15.00", StringComparison.Ordinal));
        (await PayAsync(issued.InvoiceId, 15m)).Value!.BalanceCents.ShouldBe(0);
        (await BlockersAsync(request)).ShouldBeEmpty();
        (await PayAsync(issued.InvoiceId, 0.01m)).IsSuccess.ShouldBeFalse();
    }

    [Fact]
    public async Task An_invoice_issued_before_the_packet_keeps_the_status_and_a_voided_invoice_gives_way_to_a_corrected_one()
    {
        var patient = await world.PatientAsync();
        var request = await world.ReleasableAsync(patient, RequesterTypes.Patient, RequestStatuses.Processing, ReleaseFormats.Paper, DeliveryMethods.Mail);
        var first = await world.RunAsync<InvoiceIssued, IssueInvoiceHandler>(h => h.HandleAsync(
            new IssueInvoiceCommand(request, 10, null, null, 0), CancellationToken.None));
        first.Error.ShouldBe(RoiAudit.Stale);
        var seen = await world.VersionAsync(request);
        first = await world.RunAsync<InvoiceIssued, IssueInvoiceHandler>(h => h.HandleAsync(
            new IssueInvoiceCommand(request, 10, null, null, seen), CancellationToken.None));
        first.Value!.MovedToInvoiced.ShouldBeFalse();
        // Paper by mail for the patient: the paper at cost and postage, never a per-page labour fee.
        first.Value.TotalCents.ShouldBe(10 * 5 + 150);
        (await IssueAsync(request, await world.VersionAsync(request))).Error!.Message.ShouldContain("open invoice");

        var version = await world.QueryAsync(db => db.Invoices.Where(i => i.Id == first.Value.InvoiceId).Select(i => i.Version).SingleAsync());
        (await world.RunAsync<bool, VoidInvoiceHandler>(h => h.HandleAsync(new VoidInvoiceCommand(first.Value.InvoiceId, "", version), CancellationToken.None)))
            .Error!.Field.ShouldBe(nameof(VoidInvoiceCommand.Reason));
        (await world.RunAsync<bool, VoidInvoiceHandler>(h => h.HandleAsync(new VoidInvoiceCommand(first.Value.InvoiceId, "wrong page count", version), CancellationToken.None)))
            .IsSuccess.ShouldBeTrue();
        seen = await world.VersionAsync(request);
        var corrected = await world.RunAsync<InvoiceIssued, IssueInvoiceHandler>(h => h.HandleAsync(
            new IssueInvoiceCommand(request, 12, null, null, seen), CancellationToken.None));
        corrected.Value!.TotalCents.ShouldBe(12 * 5 + 150);
        var notes = await world.QueryAsync(db => db.RequestEvents.Where(e => e.RequestId == request).Select(e => e.Note).ToListAsync());
        notes.ShouldContain(n => n.Contains("voided: wrong page count", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Continuity_of_care_is_never_held_for_a_fee()
    {
        var patient = await world.PatientAsync();
        var request = await world.ReleasableAsync(patient, RequesterTypes.ContinuityOfCare);
        var view = (await world.RunAsync<FeesView, GetFeesHandler>(h => h.HandleAsync(new GetFeesQuery(request), CancellationToken.None))).Value!;
        view.Calculation.TotalCents.ShouldBe(0);
        (await BlockersAsync(request)).ShouldBeEmpty();
    }
}
