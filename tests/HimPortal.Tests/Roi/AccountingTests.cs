using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.Accounting;
using HimPortal.Application.Roi.Accounting.AnswerAccountingRequest;
using HimPortal.Application.Roi.Accounting.ExtendAccountingRequest;
using HimPortal.Application.Roi.Accounting.GetAccounting;
using HimPortal.Application.Roi.Accounting.GetAccountingLetter;
using HimPortal.Application.Roi.Accounting.RecordDisclosure;
using HimPortal.Application.Roi.Accounting.RequestAccounting;
using HimPortal.Application.Roi.Accounting.SuspendAccounting;
using HimPortal.Application.Roi.Fees.GetInvoicePdf;
using HimPortal.Data.Roi;
using HimPortal.Tests.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Roi;

/// <summary>The accounting of disclosures (issue 17 item 7): exactly the accountable rows, suspensions, hand entry, the patient's requests and the PDF.</summary>
public sealed class AccountingTests(RoiDeliveryWorld world) : IClassFixture<RoiDeliveryWorld>
{
    private async Task AddAsync(Guid patient, string recipient, bool accountable, int daysAgo = 10, string source = DisclosureSources.Release, bool impermissible = false)
    {
        await using var scope = world.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimPortal.Data.HimDbContext>();
        scope.ServiceProvider.GetRequiredService<DisclosureLedger>().Add(new DisclosureEntry(patient, world.Clock.GetUtcNow().AddDays(-daysAgo), recipient,
            "1 Agency Way", "2 encounters 2024", "test purpose", accountable ? "45 CFR 164.512(b)" : "45 CFR 164.508", source, accountable, impermissible));
        await db.SaveChangesAsync();
    }

    private Task<Result<AccountingView>> ReadAsync(Guid patient) =>
        world.RunAsync<AccountingView, GetAccountingHandler>(h => h.HandleAsync(new GetAccountingQuery(patient), CancellationToken.None));

    [Fact]
    public async Task The_required_list_is_exactly_the_accountable_disclosures_and_the_others_are_apart()
    {
        var patient = await world.PatientAsync();
        await AddAsync(patient, "Public Health Department", accountable: true);
        await AddAsync(patient, "Attorney Smith", accountable: false);
        await AddAsync(patient, "Wrong Requester", accountable: false, source: DisclosureSources.Misfile, impermissible: true);
        await AddAsync(patient, "Too Old Agency", accountable: true, daysAgo: 7 * 366);

        var view = (await ReadAsync(patient)).Value!;
        view.Lists.Required.Select(e => e.Recipient).ShouldBe(["Public Health Department", "Wrong Requester"], ignoreOrder: true);
        view.Lists.Others.Select(e => e.Recipient).ShouldBe(["Attorney Smith"]);
        (await world.Database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_type = 'Accounting' AND patient_id = '{patient}' AND action = 'view'"))
            .ShouldBe(1);
    }

    [Fact]
    public async Task A_released_request_under_an_authorization_is_in_the_other_releases_and_a_public_health_one_in_the_accounting()
    {
        var patient = await world.PatientAsync();
        var attorney = await world.ReleasableAsync(patient, RequesterTypes.Attorney, requester: "Law Office");
        var health = await world.ReleasableAsync(patient, RequesterTypes.PublicHealth, requester: "County Health");
        foreach (var request in new[] { attorney, health })
        {
            await BuiltPackets.AddAsync(world.Database, request);
            var version = await world.VersionAsync(request);
            (await world.RunAsync<Application.Roi.Delivery.CreateDownloadLink.DownloadLinkCreated, Application.Roi.Delivery.CreateDownloadLink.CreateDownloadLinkHandler>(h =>
                h.HandleAsync(new(request, version, false), CancellationToken.None))).IsSuccess.ShouldBeTrue();
        }

        var view = (await ReadAsync(patient)).Value!;
        view.Lists.Required.ShouldHaveSingleItem().Recipient.ShouldBe("County Health");
        view.Lists.Others.ShouldHaveSingleItem().Recipient.ShouldBe("Law Office");
    }

    [Fact]
    public async Task A_suspension_withholds_disclosures_to_its_agency_until_it_ends_and_an_oral_one_lasts_at_most_30_days()
    {
        var patient = await world.PatientAsync();
        await AddAsync(patient, "State Police, Detective Unit", accountable: true);
        await AddAsync(patient, "Public Health Department", accountable: true);
        var today = DateOnly.FromDateTime(world.Clock.GetUtcNow().UtcDateTime);

        var oral = await world.RunAsync<Guid, SuspendAccountingHandler>(h => h.HandleAsync(
            new SuspendAccountingCommand(patient, "State Police", "Detective Jones, by telephone", true, today, today.AddDays(45)), CancellationToken.None));
        oral.Error!.Message.ShouldContain("at most 30 days");
        (await world.RunAsync<Guid, SuspendAccountingHandler>(h => h.HandleAsync(
            new SuspendAccountingCommand(patient, "State Police", "Detective Jones, by telephone", true, today, today.AddDays(20)), CancellationToken.None))).IsSuccess.ShouldBeTrue();

        var during = (await ReadAsync(patient)).Value!;
        during.Lists.Required.ShouldHaveSingleItem().Recipient.ShouldBe("Public Health Department");
        during.Lists.Withheld.ShouldHaveSingleItem().Recipient.ShouldBe("State Police, Detective Unit");
        during.Suspensions.ShouldHaveSingleItem().Active.ShouldBeTrue();

        world.Clock.Advance(TimeSpan.FromDays(22));
        try
        {
            var after = (await ReadAsync(patient)).Value!;
            after.Lists.Required.Count.ShouldBe(2);
            after.Lists.Withheld.ShouldBeEmpty();
        }
        finally
        {
            world.Clock.Advance(TimeSpan.FromDays(-22));
        }
    }

    [Fact]
    public async Task A_hand_entered_disclosure_is_validated_accountable_and_corrected_by_a_new_row()
    {
        var patient = await world.PatientAsync();
        var today = DateOnly.FromDateTime(world.Clock.GetUtcNow().UtcDateTime);
        var invalid = await world.RunAsync<Guid, RecordDisclosureHandler>(h => h.HandleAsync(
            new RecordDisclosureCommand(patient, today, "", null, "", "", "not a rule"), CancellationToken.None));
        invalid.Error!.Fields!.Select(f => f.Field).ShouldBe(["RecipientName", "Description", "Purpose", "LegalBasis"], ignoreOrder: true);

        var basis = AccountingLegalBases.All.Single(b => b.Contains("164.512(d)", StringComparison.Ordinal));
        var first = (await world.RunAsync<Guid, RecordDisclosureHandler>(h => h.HandleAsync(
            new RecordDisclosureCommand(patient, today.AddDays(-3), "State Surveyor", "Dept. of Health", "chart review, 2 encounters", "survey", basis), CancellationToken.None))).Value;
        var correction = await world.RunAsync<Guid, RecordDisclosureHandler>(h => h.HandleAsync(
            new RecordDisclosureCommand(patient, today.AddDays(-3), "State Surveyor", "Dept. of Health", "chart review, 3 encounters", "survey", basis, first), CancellationToken.None));
        correction.IsSuccess.ShouldBeTrue(correction.Error?.Message);

        var view = (await ReadAsync(patient)).Value!;
        view.Lists.Required.ShouldHaveSingleItem().Description.ShouldBe("chart review, 3 encounters");
        (await world.QueryAsync(db => db.Disclosures.CountAsync(d => d.PatientId == patient))).ShouldBe(2);
    }

    [Fact]
    public async Task A_request_for_an_accounting_is_due_in_60_days_extends_once_by_30_before_then_and_only_the_first_in_12_months_is_free()
    {
        var patient = await world.PatientAsync();
        var received = world.Clock.GetUtcNow();
        var today = DateOnly.FromDateTime(received.UtcDateTime);
        var tooLong = await world.RunAsync<AccountingRequested, RequestAccountingHandler>(h => h.HandleAsync(
            new RequestAccountingCommand(patient, today.AddYears(-7), today), CancellationToken.None));
        tooLong.Error!.Field.ShouldBe(nameof(RequestAccountingCommand.PeriodFrom));

        var first = (await world.RunAsync<AccountingRequested, RequestAccountingHandler>(h => h.HandleAsync(
            new RequestAccountingCommand(patient, today.AddYears(-6), today, ReceivedAt: received), CancellationToken.None))).Value!;
        first.FirstInTwelveMonths.ShouldBeTrue();
        first.FeeCents.ShouldBe(0);
        first.DueDay.ShouldBe(today.AddDays(60));
        first.Citation.ShouldContain("164.528(c)(1)");

        var second = await world.RunAsync<AccountingRequested, RequestAccountingHandler>(h => h.HandleAsync(
            new RequestAccountingCommand(patient, today.AddYears(-1), today, ReceivedAt: received.AddMinutes(1)), CancellationToken.None));
        second.Error!.Field.ShouldBe(nameof(RequestAccountingCommand.Fee));
        var paid = (await world.RunAsync<AccountingRequested, RequestAccountingHandler>(h => h.HandleAsync(
            new RequestAccountingCommand(patient, today.AddYears(-1), today, Fee: 12.50m, ReceivedAt: received.AddMinutes(1)), CancellationToken.None))).Value!;
        paid.FirstInTwelveMonths.ShouldBeFalse();
        paid.FeeCents.ShouldBe(1250);

        var version = await world.QueryAsync(db => db.AccountingRequests.Where(r => r.Id == first.Id).Select(r => r.Version).SingleAsync());
        var extended = (await world.RunAsync<AccountingExtended, ExtendAccountingRequestHandler>(h => h.HandleAsync(
            new ExtendAccountingRequestCommand(first.Id, "records in off-site storage", version), CancellationToken.None))).Value!;
        extended.DueDay.ShouldBe(today.AddDays(90));
        version = await world.QueryAsync(db => db.AccountingRequests.Where(r => r.Id == first.Id).Select(r => r.Version).SingleAsync());
        (await world.RunAsync<AccountingExtended, ExtendAccountingRequestHandler>(h => h.HandleAsync(
            new ExtendAccountingRequestCommand(first.Id, "again", version), CancellationToken.None))).Error!.Message.ShouldContain("one extension");

        // The extension notice must go out before the first 60 days end.
        var lateVersion = await world.QueryAsync(db => db.AccountingRequests.Where(r => r.Id == paid.Id).Select(r => r.Version).SingleAsync());
        world.Clock.Advance(TimeSpan.FromDays(62));
        try
        {
            (await world.RunAsync<AccountingExtended, ExtendAccountingRequestHandler>(h => h.HandleAsync(
                new ExtendAccountingRequestCommand(paid.Id, "late", lateVersion), CancellationToken.None))).Error!.Message.ShouldContain("60 days have ended");
        }
        finally
        {
            world.Clock.Advance(TimeSpan.FromDays(-62));
        }
    }

    [Fact]
    public async Task The_accounting_PDF_lists_each_disclosure_and_the_other_releases_apart_and_passes_qpdf()
    {
        var patient = await world.PatientAsync();
        await AddAsync(patient, "Public Health Department", accountable: true);
        await AddAsync(patient, "Attorney Smith", accountable: false);
        var today = DateOnly.FromDateTime(world.Clock.GetUtcNow().UtcDateTime);
        var request = (await world.RunAsync<AccountingRequested, RequestAccountingHandler>(h => h.HandleAsync(
            new RequestAccountingCommand(patient, today.AddYears(-6), today), CancellationToken.None))).Value!;
        var version = await world.QueryAsync(db => db.AccountingRequests.Where(r => r.Id == request.Id).Select(r => r.Version).SingleAsync());

        var answered = (await world.RunAsync<AccountingAnswered, AnswerAccountingRequestHandler>(h => h.HandleAsync(
            new AnswerAccountingRequestCommand(request.Id, version), CancellationToken.None))).Value!;
        answered.Required.ShouldBe(1);
        answered.Others.ShouldBe(1);
        var pdf = (await world.RunAsync<RoiFile, GetAccountingLetterHandler>(h => h.HandleAsync(
            new GetAccountingLetterQuery(patient, answered.LetterId), CancellationToken.None))).Value!;
        await Qpdf.CheckAsync(pdf.Content);
        using var document = PdfDocument.Open(pdf.Content);
        // PdfPig joins wrapped lines without a space: compare without spaces.
        var text = Squash(string.Join("", document.GetPages().Select(p => p.Text)));
        text.ShouldContain(Squash("to Public Health Department (1 Agency Way). What: 2 encounters 2024. Purpose: test purpose."));
        var others = Squash(AnswerAccountingRequestHandler.OthersHeading);
        text.ShouldContain(others);
        text.IndexOf("AttorneySmith", StringComparison.Ordinal).ShouldBeGreaterThan(text.IndexOf(others, StringComparison.Ordinal));
        text.ShouldContain("Thereisnofee");
        (await world.QueryAsync(db => db.RoiLetters.SingleAsync(l => l.Id == answered.LetterId))).Kind.ShouldBe(LetterKinds.Accounting);
    }

    private static string Squash(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
}
